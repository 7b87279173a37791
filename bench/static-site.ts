/**
 * The site the static-file benchmarks serve: a temp document root with `small.html` (1 KiB) and,
 * when asked, `big.bin` (100 MiB), and the lighttpd.conf both lighttpd and tswstunnel run on it.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfWriter } from './servers.js';

export const SMALL_BYTES = 1024;
export const BIG_MIB = 100;

/** A new document root with small.html, and big.bin when `big`; the caller removes it. */
export function makeDocroot(big: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'tsw-bench-docroot-'));
  writeFileSync(join(root, 'small.html'), `<!doctype html><title>small</title>${'x'.repeat(SMALL_BYTES - 34)}\n`);
  if (!big) return root;
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  const fd = openSync(join(root, 'big.bin'), 'w');
  try {
    for (let i = 0; i < BIG_MIB; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return root;
}

/** One worker, lighttpd's defaults otherwise, and the two MIME types the files need. */
export function staticConf(docroot: string): ConfWriter {
  return (port, ctx) =>
    [
      `server.document-root = "${docroot}"`,
      `server.bind = "127.0.0.1"`,
      `server.port = ${port}`,
      `server.max-worker = 0`,
      `server.errorlog = "${join(ctx.dir, 'error.log')}"`,
      `mimetype.assign = ( ".html" => "text/html", ".bin" => "application/octet-stream" )`,
      '',
    ].join('\n');
}

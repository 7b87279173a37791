/**
 * Differential test of mod_deflate (and the legacy mod_compress spelling) against the real lighttpd
 * 1.4.69 with its mod_deflate: the same config, document root and backend; every request of
 * test/helpers/deflate-diff-cases.ts goes to both over raw sockets and the answers must agree in status,
 * Content-Encoding, Vary, ETag, Content-Range, Accept-Ranges (not for proxied answers), whether a
 * Content-Length is sent, Transfer-Encoding, and the decompressed body. Compressed bytes themselves are
 * not compared: lighttpd's build uses libdeflate, whose output differs from zlib's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeEtag } from '../../src/http/etag.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer, writeFiles } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { decodeBody } from '../helpers/http-get.js';
import { compressConfig, COMPRESS_CASES, DEFLATE_CASES, DEFLATE_FILES, deflateConfig, startDeflateBackend, type DeflateCase } from '../helpers/deflate-diff-cases.js';

/** Case name → why tswstunnel differs (docs/compat.md); none. */
const ALLOWED: Readonly<Record<string, string>> = {};

function withEtags(request: string, docroot: string): string {
  return request.replace(/@ETAG:([^@]+)@/g, (_m, f: string) => (computeEtag(statSync(path.join(docroot, f), { bigint: true }), { inode: true, size: true, mtime: true }) ?? '').slice(0, -1));
}

async function view(port: number, c: DeflateCase, docroot: string): Promise<string> {
  const ex = await rawRequest(port, withEtags(c.request, docroot), { timeoutMs: 5000, head: [c.request.startsWith('HEAD ')] });
  const r = ex.responses[0];
  if (!r) return 'no response';
  const fields = ['content-encoding', 'vary', 'etag', 'content-range', 'transfer-encoding', ...(c.proxied ? [] : ['accept-ranges'])].map((h) => `${h}=${r.header(h) ?? '-'}`);
  let body: string;
  try {
    const plain = decodeBody(r.header('content-encoding'), r.body);
    body = `body ${createHash('sha1').update(plain).digest('hex').slice(0, 12)} (${plain.length})`;
  } catch (e) {
    body = `body undecodable: ${(e as Error).message}`;
  }
  return [`status=${r.status}`, ...fields, `content-length=${r.header('content-length') === undefined ? 'no' : 'yes'}`, body].join(' | ');
}

/** Agreeing cases, the unexplained differences, and how many of lighttpd's answers were compressed. */
interface Outcome {
  readonly agree: number;
  readonly problems: string[];
  readonly compressed: number;
}

async function compare(t: test.TestContext, config: (docroot: string) => string, cases: readonly DeflateCase[]): Promise<Outcome> {
  const docroot = mkdtempSync(path.join(tmpdir(), 'tsw-deflate-diff-'));
  t.after(() => rmSync(docroot, { recursive: true, force: true }));
  writeFiles(docroot, DEFLATE_FILES);
  const text = config(docroot);
  const oracle = await startLighttpd(t, `${text}server.port = @PORT@\nserver.bind = "127.0.0.1"\n`);
  const tsw = await startTestServer(t, text);
  let agree = 0;
  let compressed = 0;
  const problems: string[] = [];
  for (const c of cases) {
    const want = await view(oracle.port, c, docroot);
    const got = await view(tsw.port, c, docroot);
    const same = want === got;
    if (same) agree++;
    if (!want.includes('content-encoding=-') && !want.includes('content-encoding=identity')) compressed++;
    const allowed = Object.hasOwn(ALLOWED, c.name);
    if (same === allowed) problems.push(`${c.name}${allowed ? ' (listed as a difference, but agrees)' : ''}\n  lighttpd:   ${want}\n  tswstunnel: ${got}`);
  }
  return { agree, problems, compressed };
}

test('mod_deflate differential: tswstunnel vs lighttpd 1.4.69', { timeout: 120_000 }, async (t) => {
  const be = await startDeflateBackend();
  t.after(() => be.close());
  const r = await compare(t, (docroot) => deflateConfig(docroot, be.port), DEFLATE_CASES);
  console.log(`# deflate differential: ${r.agree}/${DEFLATE_CASES.length} agree (${r.compressed} compressed by lighttpd)`);
  assert.ok(DEFLATE_CASES.length >= 60, `only ${DEFLATE_CASES.length} cases`);
  // the comparison means something only if the oracle really compressed a good part of them
  assert.ok(r.compressed >= 30, `lighttpd compressed only ${r.compressed} answers`);
  assert.deepEqual(r.problems, []);
});

test('mod_compress (compress.* keys) differential: tswstunnel vs lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const r = await compare(t, compressConfig, COMPRESS_CASES);
  console.log(`# compress differential: ${r.agree}/${COMPRESS_CASES.length} agree (${r.compressed} compressed by lighttpd)`);
  assert.ok(r.compressed >= 5, `lighttpd compressed only ${r.compressed} answers`);
  assert.deepEqual(r.problems, []);
});

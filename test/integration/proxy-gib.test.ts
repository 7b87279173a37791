/**
 * Bounded memory through mod_proxy: 1 GiB uploaded and 1 GiB downloaded through the real server (the
 * CLI as a child process, so its RSS is measured alone) with a Node backend on loopback. The server's
 * RSS growth must stay under 100 MB in both directions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { tempDir } from '../helpers/backends.js';
import { freePort } from '../helpers/lighttpd.js';
import { BIN } from '../helpers/run-cli.js';
import { startHttpBackend } from '../helpers/proxy-backends.js';

const GIB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/__probe__' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}

/** A Readable producing `total` bytes in 64 KiB blocks (the same block reused: no allocation per chunk). */
function zeros(total: number): Readable {
  const block = Buffer.alloc(64 * 1024, 0x7a);
  let left = total;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

test('1 GiB upload and 1 GiB download through the proxy: server RSS growth < 100 MB', { timeout: 90_000 }, async (t) => {
  const { dir, cleanup } = tempDir('tsw-proxy-gib-');
  t.after(cleanup);
  const be = await startHttpBackend();
  t.after(() => be.close());
  const port = await freePort();
  const conf = join(dir, 'proxy.conf');
  writeFileSync(
    conf,
    `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = ${port}\nserver.modules += ( "mod_proxy" )\n` +
      `proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )\n`,
  );
  const child = spawn(process.execPath, [BIN, '-D', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  t.after(() => {
    child.kill('SIGKILL');
  });
  const pid = child.pid ?? 0;
  let up = false;
  for (let i = 0; i < 150 && !up; i++) {
    up = await listening(port);
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, `tswstunnel did not listen: ${stderr}`);
  const base = rssOf(pid);
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 100);
  t.after(() => clearInterval(sampler));

  const t0 = Date.now();
  const upStatus = await new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/upload', headers: { 'Content-Length': String(GIB) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    zeros(GIB).pipe(req);
  });
  const upMs = Date.now() - t0;
  assert.equal(upStatus, 200);
  assert.equal(be.requests.at(-1)?.bodyBytes, GIB);
  const upPeak = peak - base;

  const t1 = Date.now();
  let got = 0;
  const downStatus = await new Promise<number>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/big?bytes=${GIB}` }, (res) => {
        res.on('data', (c: Buffer) => (got += c.length));
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      })
      .on('error', reject);
  });
  const downMs = Date.now() - t1;
  clearInterval(sampler);
  assert.equal(downStatus, 200);
  assert.equal(got, GIB);
  const growth = peak - base;
  t.diagnostic(
    `server RSS base ${Math.round(base / MB)} MB; peak growth upload ${Math.round(upPeak / MB)} MB, overall ${Math.round(growth / MB)} MB; ` +
      `upload ${upMs} ms (${Math.round(GIB / MB / (upMs / 1000))} MB/s), download ${downMs} ms (${Math.round(GIB / MB / (downMs / 1000))} MB/s)`,
  );
  console.log(`# proxy 1 GiB: RSS growth ${Math.round(growth / MB)} MB, upload ${upMs} ms, download ${downMs} ms`);
  assert.ok(growth < 100 * MB, `server RSS grew ${Math.round(growth / MB)} MB`);
});

/**
 * Differential test: the same config and document root served by the real lighttpd 1.4.69 and by
 * tswstunnel; every request of test/helpers/diff-cases.ts goes to both over raw sockets and the answers
 * are compared (status, Content-Type, Content-Length, Content-Range, Location, ETag, Last-Modified, Allow,
 * and the body except for generated directory listings). A difference is allowed only when the case is
 * in ALLOWED below with its reason (each also described in docs/compat.md), and every allowed case must
 * really differ, so the list stays honest. No response of tswstunnel may contain the secret file that
 * sits outside the document root (lighttpd follows symlinks out of the root by default, so the one
 * case that asks for such a symlink is exempt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import { computeEtag } from '../../src/http/etag.js';
import { createHash } from 'node:crypto';
import { startLighttpd } from '../helpers/lighttpd.js';
import { createDiffFixture, debianConfig, rawUrlConfig, SECRET } from '../helpers/diff-fixture.js';
import { DEBIAN_CASES, DIFF_CASES, RAW_URL_CASES, type DiffCase } from '../helpers/diff-cases.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';

/** Case name → why tswstunnel answers differently (see docs/compat.md); none today. */
const ALLOWED: Readonly<Record<string, string>> = {};

/** Cases whose answer legitimately contains the secret (lighttpd follows symlinks by default). */
const FOLLOWS_SYMLINK_OUT = new Set(['static /link-out.txt']);

const COMPARED = ['content-type', 'content-length', 'content-range', 'location', 'etag', 'last-modified', 'allow', 'x-global', 'x-sub', 'x-set', 'x-post', 'x-branch', 'x-ne', 'x-cond'] as const;

interface Answer {
  readonly summary: string;
  readonly raw: Buffer;
}

/** Replaces `@ETAG:file@` with lighttpd's ETag of that file (computed here, as both servers must send it). */
function withEtags(request: string, docroot: string): string {
  return request.replace(/@ETAG:([^@]+)@/g, (_m, f: string) => computeEtag(statSync(path.join(docroot, f), { bigint: true }), { inode: true, size: true, mtime: true }) ?? '');
}

async function ask(port: number, c: DiffCase, docroot: string): Promise<Answer> {
  const isHead = c.request.startsWith('HEAD ');
  const ex = await rawRequest(port, withEtags(c.request, docroot), { timeoutMs: 3000, head: [isHead] });
  const r = ex.responses[0];
  if (!r) return { summary: 'no response', raw: ex.raw };
  // a generated listing's HTML (and so its length) may differ: http-core.md §8.7, docs/compat.md
  const fields = COMPARED.filter((h) => !c.ignoreBody || (h !== 'content-length' && h !== 'content-range')).map((h) => `${h}=${r.header(h) ?? '-'}`);
  const body = c.ignoreBody ? 'body ignored' : `body sha1 ${createHash('sha1').update(r.body).digest('hex').slice(0, 12)} (${r.body.length})`;
  return { summary: [`status=${r.status}`, ...fields, body].join('\n'), raw: ex.raw };
}

/** Sends every case to both servers; returns the number that agree and the unexplained differences. */
async function compareAll(cases: readonly DiffCase[], oraclePort: number, tswPort: number, docroot: string): Promise<{ agree: number; disagreements: string[]; unexpectedAgreements: string[] }> {
  const disagreements: string[] = [];
  const unexpectedAgreements: string[] = [];
  let agree = 0;
  for (const c of cases) {
    const [want, got] = await Promise.all([ask(oraclePort, c, docroot), ask(tswPort, c, docroot)]);
    if (!FOLLOWS_SYMLINK_OUT.has(c.name)) {
      assert.ok(!got.raw.includes(SECRET), `${c.name}: the answer leaks the file outside the document root`);
    }
    const same = want.summary === got.summary;
    if (same) agree++;
    const allowed = Object.hasOwn(ALLOWED, c.name);
    if (!same && !allowed) disagreements.push(`${c.name}\n  lighttpd:   ${want.summary.split('\n').join(' | ')}\n  tswstunnel: ${got.summary.split('\n').join(' | ')}`);
    if (same && allowed) unexpectedAgreements.push(c.name);
  }
  return { agree, disagreements, unexpectedAgreements };
}

const PORT_LINES = '\nserver.port = @PORT@\nserver.bind = "127.0.0.1"\n';

test('HTTP differential: tswstunnel vs lighttpd 1.4.69', { timeout: 120_000 }, async (t) => {
  const fx = await createDiffFixture();
  t.after(() => rm(fx.base, { recursive: true, force: true }));
  const oracle = await startLighttpd(t, fx.config + PORT_LINES);
  const tsw = await startTestServer(t, fx.config);
  const r = await compareAll(DIFF_CASES, oracle.port, tsw.port, fx.docroot);
  console.log(`${r.agree}/${DIFF_CASES.length} requests agree (${Object.keys(ALLOWED).length} listed differences)`);
  assert.ok(DIFF_CASES.length >= 150);
  assert.deepEqual(r.disagreements, [], `unexpected differences:\n${r.disagreements.join('\n')}`);
  assert.deepEqual(r.unexpectedAgreements, [], 'ALLOWED lists cases that now agree; remove them');
});

test('HTTP differential with Debian\'s stock settings (url-normalize-required, generated MIME table)', { timeout: 120_000 }, async (t) => {
  const fx = await createDiffFixture();
  t.after(() => rm(fx.base, { recursive: true, force: true }));
  const conf = debianConfig(fx.docroot);
  const oracle = await startLighttpd(t, conf + PORT_LINES);
  const tsw = await startTestServer(t, conf);
  const r = await compareAll(DEBIAN_CASES, oracle.port, tsw.port, fx.docroot);
  console.log(`${r.agree}/${DEBIAN_CASES.length} requests agree (Debian settings)`);
  assert.deepEqual(r.disagreements, [], `unexpected differences:\n${r.disagreements.join('\n')}`);
  assert.deepEqual(r.unexpectedAgreements, []);
});

test('HTTP differential with url-normalize disabled (conditions and rules compare as written)', { timeout: 120_000 }, async (t) => {
  const fx = await createDiffFixture();
  t.after(() => rm(fx.base, { recursive: true, force: true }));
  const conf = rawUrlConfig(fx.docroot);
  const oracle = await startLighttpd(t, conf + PORT_LINES);
  const tsw = await startTestServer(t, conf);
  const r = await compareAll(RAW_URL_CASES, oracle.port, tsw.port, fx.docroot);
  console.log(`${r.agree}/${RAW_URL_CASES.length} requests agree (url-normalize disabled)`);
  assert.deepEqual(r.disagreements, [], `unexpected differences:\n${r.disagreements.join('\n')}`);
  assert.deepEqual(r.unexpectedAgreements, []);
});

/**
 * Differential check of mod_expire against the real lighttpd 1.4.69: the same config, files and raw
 * requests (test/helpers/expire-diff-cases.ts) go to both; status, Content-Type, every Cache-Control
 * line and Expires (as seconds after the response's own Date) must agree. Where those seconds move
 * with the clock (a `modification` base; a proxied answer's Date is the backend's, and lighttpd's
 * "now" may lag the wall clock by up to a second) the case is `timed` and may differ by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startHttpBackend, startWsBackend } from '../helpers/proxy-backends.js';
import { tcpBackend } from '../helpers/backends.js';
import { parseHttpDate } from '../../src/http/http-date.js';
import { EXPIRE_CASES, EXPIRE_CONFIG, EXPIRE_FILES, MTIME } from '../helpers/expire-diff-cases.js';

/** Sets every file's and directory's mtime below `root` (directories last, as writing changes them). */
function fixTimes(root: string): void {
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    if (statSync(p).isDirectory()) fixTimes(p);
    utimesSync(p, MTIME, MTIME);
  }
}

/** The compared facts as text, the seconds of max-age and of Expires after Date masked as `#`, and those numbers. */
function summary(r: RawResponse | undefined): { text: string; numbers: number[] } {
  if (!r) return { text: '(no response)', numbers: [] };
  const numbers: number[] = [];
  const cc = r.headerList.filter(([k]) => k.toLowerCase() === 'cache-control').map(([, v]) => v.replace(/^max-age=(\d+)$/, (_m, n: string) => {
    numbers.push(Number(n));
    return 'max-age=#';
  }));
  const expires = r.header('expires');
  const date = parseHttpDate(r.header('date') ?? '');
  let exp = '-';
  if (expires !== undefined) {
    exp = date === null ? `${expires} (no Date)` : 'Date+#';
    numbers.push((parseHttpDate(expires) ?? NaN) - (date ?? 0));
  }
  return { text: `${r.status} | content-type=${r.header('content-type') ?? '-'} | cache-control=${cc.join(' / ') || '-'} | expires=${exp}`, numbers };
}

/** Same text; the same numbers, or within a second for a case whose numbers move with the clock. */
function agrees(a: ReturnType<typeof summary>, b: ReturnType<typeof summary>, timed: boolean): boolean {
  if (a.text !== b.text || a.numbers.length !== b.numbers.length) return false;
  return a.numbers.every((n, i) => Math.abs(n - (b.numbers[i] ?? NaN)) <= (timed ? 1 : 0));
}

const shown = (s: ReturnType<typeof summary>): string => `${s.text} [${s.numbers.join(', ')}]`;

test('mod_expire answers agree with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const http = await startHttpBackend();
  const ws = await startWsBackend();
  const tcp = await tcpBackend();
  t.after(() => Promise.all([http.close(), ws.close(), tcp.close()]));
  const config = EXPIRE_CONFIG.replaceAll('@HTTP@', String(http.port)).replaceAll('@WS@', String(ws.port)).replaceAll('@TCP@', String(tcp.port));
  const ours = await startTestServer(t, config, { files: EXPIRE_FILES });
  fixTimes(ours.docroot);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config}`, { dir: ours.dir });
  const diffs: string[] = [];
  let withHeader = 0;
  for (const c of EXPIRE_CASES) {
    const head = [c.request.startsWith('HEAD ')];
    const [a, b] = await Promise.all([rawRequest(oracle.port, c.request, { expect: 1, head }), rawRequest(ours.port, c.request, { expect: 1, head })]);
    const want = summary(a.responses[0]);
    const got = summary(b.responses[0]);
    if (want.numbers.length > 0) withHeader++;
    if (!agrees(want, got, c.timed === true)) diffs.push(`${c.name}\n  lighttpd: ${shown(want)}\n  ours:     ${shown(got)}`);
  }
  console.log(`expire differential: ${EXPIRE_CASES.length - diffs.length} of ${EXPIRE_CASES.length} agree`);
  // the oracle really sent expiry headers, so agreement means something
  assert.ok(withHeader >= 30, `only ${withHeader} lighttpd answers carry an expiry`);
  assert.equal(diffs.length, 0, `${diffs.length} of ${EXPIRE_CASES.length} differ:\n${diffs.join('\n')}`);
});

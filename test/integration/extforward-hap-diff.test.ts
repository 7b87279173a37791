/**
 * Differential test of `extforward.hap-PROXY`: each scenario of test/helpers/hap-diff-cases.ts runs on
 * the real lighttpd 1.4.69 and on tswstunnel with the same config (the mod_extforward harness of
 * extforward-diff.test.ts, with a second listener and TLS); every connection — a PROXY header (or not)
 * in a write of its own, then the request, over TLS where the case says so — goes to both from
 * 127.0.0.1, and the answers (status, Location, X-Net, X-Peer, X-Host, Server; or that the connection
 * was closed without one) and then the access log lines must agree. No difference is allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { HAP_SCENARIOS, type HapCase } from '../helpers/hap-diff-cases.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';

const SHOWN = ['location', 'x-net', 'x-peer', 'x-host', 'server'] as const;

function summary(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  return [String(r.status), ...SHOWN.map((h) => `${h}=${r.header(h) ?? '-'}`)].join(' ');
}

async function ask(ports: readonly [number, number], c: HapCase): Promise<string> {
  const n = c.responses ?? 1;
  const port = c.second === true ? ports[1] : ports[0];
  const ex = await rawRequest(port, c.request, { expect: n, timeoutMs: 3000, ...(c.preface ? { preface: c.preface } : {}), ...(c.tls === true ? { tls: true } : {}) });
  return Array.from({ length: n }, (_, i) => summary(ex.responses[i])).join(' / ');
}

/** Access log fields; a real peer port (not the header's) reads `port`, as it differs by nature. */
function logLines(file: string): string[] {
  const lines = existsSync(file) ? readFileSync(file, 'latin1').split('\n').filter((l) => l !== '') : [];
  return lines.map((l) => {
    const [h = '', a = '', p = '', u = '', v = '', ...rest] = l.split(' ');
    const port = ['0', '5555', '4711', '40000', '65535'].includes(p) ? p : 'port';
    return `${h} ${a} ${port} ${u} ${v} ${rest.join(' ')}`;
  });
}

/** Connects and closes at once; resolves when the server closed too. */
function touch(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.end());
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.resume();
  });
}

let agreeing = 0;
let total = 0;

for (const sc of HAP_SCENARIOS) {
  test(`hap-PROXY differential (${sc.name}): tswstunnel vs lighttpd 1.4.69`, { timeout: 90_000 }, async (t) => {
    const pem = sc.tls === true ? testCert().bothFile : '';
    const conf = (name: string, socket2: string): string => sc.config.replaceAll('@NAME@', name).replaceAll('@SOCKET2@', socket2).replaceAll('@PEM@', pem);
    const ours = await startTestServer(t, conf('ours', '127.0.0.1:@FREEPORT@'));
    mkdirSync(join(ours.dir, 'www'), { recursive: true });
    const second = ours.server.listeners[1]?.port ?? 0;
    const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "@DIR@/www"\n${conf('lighttpd', '127.0.0.1:@PORT2@')}`, { dir: ours.dir });
    // startLighttpd knew lighttpd was up when a connection to its first port opened (and closed at once,
    // which a hap-PROXY listener logs as an invalid request): the same for ours, so that the logs compare
    await touch(ours.port);
    const diffs: string[] = [];
    for (const c of sc.cases) {
      // one after the other: the access log lines must come in the same order
      const want = await ask([oracle.port, oracle.port2], c);
      const got = await ask([ours.port, second], c);
      total++;
      if (want === got) agreeing++;
      else diffs.push(`${c.name}\n  lighttpd:   ${want}\n  tswstunnel: ${got}`);
    }
    await oracle.stop();
    await ours.server.close();
    const theirs = logLines(join(ours.dir, 'access-lighttpd.log'));
    const mine = logLines(join(ours.dir, 'access-ours.log'));
    theirs.forEach((l, i) => {
      if (l !== mine[i]) diffs.push(`access log line ${i + 1}\n  lighttpd:   ${l}\n  tswstunnel: ${mine[i] ?? '-'}`);
    });
    if (mine.length > theirs.length) diffs.push(`access log: ${mine.length - theirs.length} more lines in ours: ${mine.slice(theirs.length).join(' | ')}`);
    const invalid = (s: string): number => s.split('hap-PROXY proto received invalid/unsupported request').length - 1;
    if (invalid(oracle.stderr()) !== invalid(ours.stderr())) diffs.push(`"invalid/unsupported request" log lines: lighttpd ${invalid(oracle.stderr())}, tswstunnel ${invalid(ours.stderr())}`);
    const answersAgreeing = sc.cases.length - diffs.filter((d) => !d.startsWith('access') && !d.startsWith('"')).length;
    console.log(`${sc.name}: ${answersAgreeing}/${sc.cases.length} connections agree, ${theirs.length} access log lines; lighttpd's error log:\n${oracle.stderr()}\nours:\n${ours.stderr()}`);
    assert.deepEqual(diffs, [], `differences:\n${diffs.join('\n')}`);
  });
}

test('hap-PROXY differential: summary', () => {
  console.log(`hap-PROXY differential: ${agreeing}/${total} connections agree`);
  assert.ok(total >= 60);
});

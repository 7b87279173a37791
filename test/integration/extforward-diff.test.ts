/**
 * Differential test of mod_extforward: each scenario of test/helpers/extforward-diff-cases.ts runs on the
 * real lighttpd 1.4.69 and on tswstunnel with the same config; every request goes to both over raw
 * sockets from 127.0.0.1, and the answers (status, Location, X-Net, X-Peer, Server) and then the access
 * log lines (`%h %a %{remote}p`) must agree. No difference is allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTFORWARD_SCENARIOS, type ExtforwardCase } from '../helpers/extforward-diff-cases.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';

const SHOWN = ['location', 'x-net', 'x-peer', 'server'] as const;

function summary(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  return [String(r.status), ...SHOWN.map((h) => `${h}=${r.header(h) ?? '-'}`)].join(' ');
}

async function ask(port: number, c: ExtforwardCase): Promise<string> {
  const n = c.responses ?? 1;
  const ex = await rawRequest(port, c.request, { expect: n, timeoutMs: 3000 });
  return Array.from({ length: n }, (_, i) => summary(ex.responses[i])).join(' / ');
}

/** `%h %a %{remote}p` of each access log line; a real peer port (not 0) reads `port`, as it differs by nature. */
function logLines(file: string): string[] {
  const lines = existsSync(file) ? readFileSync(file, 'latin1').split('\n').filter((l) => l !== '') : [];
  return lines.map((l) => {
    const [h = '', a = '', p = ''] = l.split(' ');
    return `${h} ${a} ${p === '0' ? '0' : 'port'}`;
  });
}

let agreeing = 0;
let total = 0;

for (const sc of EXTFORWARD_SCENARIOS) {
  test(`mod_extforward differential (${sc.name}): tswstunnel vs lighttpd 1.4.69`, { timeout: 60_000 }, async (t) => {
    const conf = sc.config.replaceAll('@NAME@', 'ours');
    const ours = await startTestServer(t, conf);
    mkdirSync(join(ours.dir, 'www'), { recursive: true });
    const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${sc.config.replaceAll('@NAME@', 'lighttpd')}`, { dir: ours.dir });
    const diffs: string[] = [];
    for (const c of sc.cases) {
      // one after the other: the access log lines must come in the same order
      const want = await ask(oracle.port, c);
      const got = await ask(ours.port, c);
      total++;
      if (want === got) agreeing++;
      else diffs.push(`${c.name}\n  lighttpd:   ${want}\n  tswstunnel: ${got}`);
    }
    await oracle.stop();
    await ours.server.close();
    const theirs = logLines(join(ours.dir, 'access-lighttpd.log'));
    const mine = logLines(join(ours.dir, 'access-ours.log'));
    assert.equal(theirs.length, mine.length, 'access log line count');
    theirs.forEach((l, i) => {
      if (l !== mine[i]) diffs.push(`access log line ${i + 1}\n  lighttpd:   ${l}\n  tswstunnel: ${mine[i] ?? '-'}`);
    });
    console.log(`${sc.name}: ${sc.cases.length - diffs.filter((d) => !d.startsWith('access')).length}/${sc.cases.length} requests agree, ${theirs.length} access log lines; lighttpd's error log:\n${oracle.stderr()}`);
    assert.deepEqual(diffs, [], `differences:\n${diffs.join('\n')}`);
  });
}

test('mod_extforward differential: summary', () => {
  console.log(`mod_extforward differential: ${agreeing}/${total} requests agree`);
  assert.ok(total >= 70);
});

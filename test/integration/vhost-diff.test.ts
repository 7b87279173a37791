/**
 * Differential check of mod_simple_vhost, mod_evhost and mod_userdir against the real lighttpd 1.4.69:
 * the same config, directory tree and requests (test/helpers/vhost-diff-cases.ts) go to both. Status,
 * Content-Type, Content-Length, Location and (for 200) the body must agree, and so must the access log
 * lines (`%v %U %s`: the server name mod_simple_vhost picks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, writeFiles } from '../helpers/server.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { VHOST_CASES, VHOST_CONFIG, VHOST_FILES, VHOST_LOWER_CASES, VHOST_LOWER_CONFIG, VHOST_LOWER_FILES, type VhostCase } from '../helpers/vhost-diff-cases.js';
import type { TestContext } from 'node:test';

function requestText(c: VhostCase): string {
  if (c.host === null) return `GET ${c.target} HTTP/1.0\r\n\r\n`;
  return `GET ${c.target} HTTP/1.1\r\nHost: ${c.host}\r\nConnection: close\r\n\r\n`;
}

function summary(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  const h = (n: string): string => r.header(n) ?? '-';
  const body = r.status === 200 ? ` | ${JSON.stringify(r.body.length <= 64 ? r.body.toString('latin1') : `${r.body.length} bytes`)}` : '';
  return `${r.status} | type=${h('content-type')} | length=${h('content-length')} | location=${h('location')}${body}`;
}

/** What both servers answered and logged: the cases that differ, and the oracle's statuses. */
interface Compared {
  readonly diffs: string[];
  readonly statuses: Set<number>;
  readonly served: number;
}

/** Sends every case to lighttpd and to tswstunnel running `config` over `files`; compares answers, then access logs. */
async function compare(t: TestContext, name: string, config: string, files: Readonly<Record<string, string>>, cases: readonly VhostCase[]): Promise<Compared> {
  const ours = await startTestServer(t, config.replaceAll('@LOG@', 'ours.log'));
  writeFiles(ours.dir, files);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config.replaceAll('@LOG@', 'lighttpd.log')}`, { dir: ours.dir });
  const diffs: string[] = [];
  const statuses = new Set<number>();
  let served = 0;
  for (const c of cases) {
    const req = requestText(c);
    const [a, b] = await Promise.all([rawRequest(oracle.port, req, { expect: 1 }), rawRequest(ours.port, req, { expect: 1 })]);
    const want = summary(a.responses[0]);
    const got = summary(b.responses[0]);
    statuses.add(a.responses[0]?.status ?? 0);
    if (a.responses[0]?.status === 200) served++;
    if (want !== got) diffs.push(`${c.host ?? '(no Host)'} ${c.target}\n  lighttpd: ${want}\n  ours:     ${got}`);
  }
  console.log(`${name} differential: ${cases.length - diffs.length} of ${cases.length} answers agree`);
  await oracle.stop();
  await ours.server.close();
  const theirLog = readFileSync(path.join(ours.dir, 'lighttpd.log'), 'utf8').split('\n');
  const ourLog = readFileSync(path.join(ours.dir, 'ours.log'), 'utf8').split('\n');
  const same = theirLog.filter((line, i) => line !== '' && line === ourLog[i]).length;
  console.log(`${name} differential: ${same} of ${theirLog.length - 1} access log lines agree`);
  if (ourLog.join('\n') !== theirLog.join('\n')) diffs.push(`access logs differ:\n  lighttpd: ${theirLog.join(' / ')}\n  ours:     ${ourLog.join(' / ')}`);
  return { diffs, statuses, served };
}

test('mod_simple_vhost, mod_evhost and mod_userdir answers agree with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const r = await compare(t, 'vhost', VHOST_CONFIG, VHOST_FILES, VHOST_CASES);
  // the cases reach files, redirects, refusals and misses on the oracle, so agreement means something
  assert.ok(r.served >= 30 && r.statuses.has(301) && r.statuses.has(404) && r.statuses.has(403), `lighttpd served ${r.served}, statuses ${[...r.statuses].join(',')}`);
  assert.equal(r.diffs.length, 0, r.diffs.join('\n'));
});

test('with server.force-lowercase-filenames, mod_userdir and mod_evhost agree with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const r = await compare(t, 'vhost lower-case', VHOST_LOWER_CONFIG, VHOST_LOWER_FILES, VHOST_LOWER_CASES);
  assert.ok(r.served >= 8 && r.statuses.has(301), `lighttpd served ${r.served}, statuses ${[...r.statuses].join(',')}`);
  assert.equal(r.diffs.length, 0, r.diffs.join('\n'));
});

/**
 * mod_status against the real lighttpd 1.4.69 with the same config: which requests the three URLs
 * answer (exact path, any method, a blank URL in a block turning one off, Range on the page), the
 * `?auto` and `?json` counters after the same traffic (lighttpd folds its counts in once a second, so
 * the test waits before asking; Uptime may differ by the servers' start times), and the loaded-module
 * list of the config page. The HTML pages themselves are tswstunnel's own (docs/compat.md).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';

const CONFIG = `server.modules = ( "mod_status", "mod_staticfile" )
server.tag = "same-tag"
mimetype.assign = ( ".txt" => "text/plain" )
status.status-url = "/server-status"
status.config-url = "/server-config"
status.statistics-url = "/server-statistics"
$HTTP["querystring"] == "off" { status.status-url = "" }
`;

const FILES = { 'big.txt': 'x'.repeat(100 * 1024), 'server-status': 'a file of that name\n' };

function req(method: string, target: string, ...headers: string[]): string {
  return [`${method} ${target} HTTP/1.1`, 'Host: localhost', ...headers, 'Connection: close', '', ''].join('\r\n');
}

/** name, request: which answers the URLs give (status, Content-Type, Content-Range, body for 206). */
const ROUTING: readonly (readonly [string, string])[] = [
  ['status page', req('GET', '/server-status')],
  ['status page HEAD', req('HEAD', '/server-status')],
  ['status page POST', req('POST', '/server-status', 'Content-Length: 0')],
  ['status page beats a file of that name', req('GET', '/server-status?x=1')],
  ['auto', req('GET', '/server-status?auto')],
  ['json', req('GET', '/server-status?json')],
  ['jsonp', req('GET', '/server-status?jsonp=cb_1')],
  ['auto, Range', req('GET', '/server-status?auto', 'Range: bytes=0-4')],
  ['trailing slash is another path', req('GET', '/server-status/')],
  ['encoded path is the same path', req('GET', '/server%2Dstatus?auto')],
  ['turned off by a blank URL in a block', req('GET', '/server-status?off')],
  ['config page', req('GET', '/server-config')],
  ['statistics', req('GET', '/server-statistics')],
  ['other path', req('GET', '/server-statisticsx')],
];

function view(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  const body = r.status === 206 ? ` | body=${r.body.toString()}` : '';
  // the page's length moves with the counters, which the two servers update at different times
  const range = (r.header('content-range') ?? '-').replace(/\/\d+$/, '/*');
  return `${r.status} | content-type=${r.header('content-type') ?? '-'} | content-range=${range}${body}`;
}

/** `Key: value` lines (and the JSON fields) as a map; Uptime dropped (the servers started apart). */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*"?([A-Za-z0-9 ]+?)"?:\s*([^,\n]*),?$/gm)) if (m[1] !== 'Uptime') out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

function modulesOf(html: string): string[] {
  const m = /(?:Loaded Modules|Loaded modules)<\/(?:b><\/td>\s*<td|th><td)>([^<]*(?:<br ?\/?>[^<]*)*)<\/td>/.exec(html);
  return (m?.[1] ?? '').split(/<br ?\/?>/);
}

async function bothServers(t: TestContext): Promise<(request: string) => Promise<[RawResponse | undefined, RawResponse | undefined]>> {
  const ours = await startTestServer(t, CONFIG, { files: FILES });
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${CONFIG}`, { dir: ours.dir });
  return async (request) => {
    const head = [request.startsWith('HEAD ')];
    const [a, b] = await Promise.all([rawRequest(oracle.port, request, { expect: 1, head }), rawRequest(ours.port, request, { expect: 1, head })]);
    return [a.responses[0], b.responses[0]];
  };
}

test('mod_status: the URLs answer what lighttpd 1.4.69 answers', { timeout: 60_000 }, async (t) => {
  const ask = await bothServers(t);
  let agree = 0;
  const diffs: string[] = [];
  for (const [name, request] of ROUTING) {
    const [a, b] = await ask(request);
    if (view(a) === view(b)) agree++;
    else diffs.push(`${name}\n  lighttpd: ${view(a)}\n  ours:     ${view(b)}`);
  }
  const [configA, configB] = await ask(req('GET', '/server-config'));
  assert.deepEqual(modulesOf(configA?.body.toString() ?? ''), ['status', 'staticfile']);
  if (JSON.stringify(modulesOf(configB?.body.toString() ?? '')) === JSON.stringify(modulesOf(configA?.body.toString() ?? ''))) agree++;
  else diffs.push(`loaded modules: ${configB?.body.toString() ?? ''}`);
  console.log(`status differential (answers): ${agree} of ${ROUTING.length + 1} agree`);
  assert.equal(diffs.length, 0, `${diffs.length} of ${ROUTING.length + 1} differ:\n${diffs.join('\n')}`);
});

test('mod_status: ?auto and ?json count the same traffic as lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const ask = await bothServers(t);
  // identical answers on both sides (the HTML pages differ in size, so none is asked for here)
  for (let i = 0; i < 3; i++) await ask(req('GET', '/big.txt'));
  // lighttpd folds finished requests into its counts once a second
  await sleep(2100);
  let agree = 0;
  const diffs: string[] = [];
  for (const q of ['auto', 'json']) {
    const [a, b] = await ask(req('GET', `/server-status?${q}`));
    const want = fields(a?.body.toString() ?? '');
    const got = fields(b?.body.toString() ?? '');
    assert.ok(want.size >= 5, `${q}: ${a?.body.toString() ?? ''}`);
    if (JSON.stringify([...want]) === JSON.stringify([...got])) agree++;
    else diffs.push(`${q} counters\n  lighttpd: ${JSON.stringify([...want])}\n  ours:     ${JSON.stringify([...got])}`);
    await sleep(1100);
  }
  console.log(`status differential (counters): ${agree} of 2 agree`);
  assert.equal(diffs.length, 0, diffs.join('\n'));
});

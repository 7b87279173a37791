/**
 * Differential: the response-start hooks on answers written on an upgraded connection, against the real
 * lighttpd 1.4.69. lighttpd runs them for every response, so mod_setenv's response headers (and
 * mod_expire, for a 200) appear on mod_wstunnel's 101 and refusals and on mod_proxy's upgrade answers,
 * in its order: the module's or backend's headers, then the hooks' (an add to a header the backend sent
 * sits next to it), then Connection, Date, Server. Compared: the status line and every header line in
 * order except Date (and Accept-Ranges, see `lines`); on refusals also except `Connection: close`, which
 * tswstunnel adds (docs/compat.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startHttpBackend, startWsBackend } from '../helpers/proxy-backends.js';
import { closedPort, tcpBackend } from '../helpers/backends.js';
import { upgradeHead } from '../helpers/ws-raw.js';

const CONFIG = `server.tag = "same-tag"
setenv.add-response-header = ( "X-Add" => "a", "Cache-Control" => "from-setenv" )
setenv.set-response-header = ( "X-Set" => "s" )
$HTTP["url"] =^ "/ws/" {
  wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @TCP@ ) ) )
  wstunnel.origins = ( "example.com" )
}
$HTTP["url"] =^ "/ws/down/" { wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @CLOSED@ ) ) ) }
$HTTP["url"] =^ "/ws/deep/" { setenv.set-response-header = ( "X-Set" => "deep", "X-Deep" => "1" ) }
$HTTP["url"] =^ "/pws/" {
  proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @WS@ ) ) )
  proxy.header = ( "upgrade" => "enable" )
}
$HTTP["url"] =^ "/phttp/" {
  proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @HTTP@ ) ) )
  proxy.header = ( "upgrade" => "enable" )
  setenv.add-response-header = ( "X-Add" => "p" )
  expire.url = ( "" => "access plus 1 hours" )
}
`;

const ORIGIN = { Origin: 'http://www.example.com' };

/** name, request, whether the answer is a refusal (its Connection line is not compared). */
const CASES: readonly (readonly [string, string, boolean])[] = [
  ['wstunnel 101', upgradeHead('/ws/', ORIGIN), false],
  ['wstunnel 101 with a sub-protocol', upgradeHead('/ws/', { ...ORIGIN, 'Sec-WebSocket-Protocol': 'base64' }), false],
  ['wstunnel 101 in a nested block', upgradeHead('/ws/deep/x', ORIGIN), false],
  ['wstunnel origin refused', upgradeHead('/ws/', { Origin: 'http://bad.org' }), true],
  ['wstunnel backend down', upgradeHead('/ws/down/', ORIGIN), true],
  ['proxy upgrade 101', upgradeHead('/pws/'), false],
  ['proxy upgrade answered 200', upgradeHead('/phttp/x?h=X-Backend:b'), true],
  ['proxy upgrade answered 200 with Cache-Control', upgradeHead('/phttp/x?h=Cache-Control:private'), true],
];

function lines(r: RawResponse | undefined, refusal: boolean): string {
  if (!r) return '(no response)';
  // Accept-Ranges: lighttpd adds it to a proxied 200 whose body was complete at response start, which
  // tswstunnel's mod_proxy never does (docs/compat.md, mod_proxy); not a response-start matter
  const kept = r.headerList.filter(([k, v]) => !['date', 'accept-ranges'].includes(k.toLowerCase()) && !(refusal && k.toLowerCase() === 'connection' && v === 'close'));
  return [r.statusLine, ...kept.map(([k, v]) => `${k}: ${v}`)].join(' | ');
}

/** The two module orders: mod_setenv's uri-clean before or after mod_wstunnel's. */
const SETENV_FIRST = 'server.modules = ( "mod_setenv", "mod_proxy", "mod_wstunnel", "mod_expire" )';
const SETENV_LAST = 'server.modules = ( "mod_proxy", "mod_wstunnel", "mod_expire", "mod_setenv" )';

/**
 * lighttpd checks a handshake's version and origin in mod_wstunnel's uri-clean hook, and a refusal there
 * ends that phase: a mod_setenv listed later never runs, so its headers are missing. tswstunnel checks in
 * the upgrade hook, after every uri-clean hook (docs/compat.md).
 */
const EXPECTED_DIFFERENT: Readonly<Record<string, readonly string[]>> = { [SETENV_FIRST]: [], [SETENV_LAST]: ['wstunnel origin refused'] };

for (const modules of [SETENV_FIRST, SETENV_LAST]) {
  test(`response-start headers on upgrade answers agree with lighttpd 1.4.69 (${modules})`, { timeout: 60_000 }, async (t) => {
    const http = await startHttpBackend();
    const ws = await startWsBackend();
    const tcp = await tcpBackend();
    t.after(() => Promise.all([http.close(), ws.close(), tcp.close()]));
    const config = `${modules}\n${CONFIG}`.replaceAll('@HTTP@', String(http.port)).replaceAll('@WS@', String(ws.port)).replaceAll('@TCP@', String(tcp.port)).replaceAll('@CLOSED@', String(await closedPort()));
    const ours = await startTestServer(t, config);
    const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config}`, { dir: ours.dir });
    const expected = EXPECTED_DIFFERENT[modules] ?? [];
    const diffs: string[] = [];
    const differing: string[] = [];
    for (const [name, request, refusal] of CASES) {
      const [a, b] = await Promise.all([rawRequest(oracle.port, request, { expect: 1 }), rawRequest(ours.port, request, { expect: 1 })]);
      const want = lines(a.responses[0], refusal);
      const got = lines(b.responses[0], refusal);
      assert.match(got, /X-Add: /, `${name}: no mod_setenv header: ${got}`);
      if (want === got) continue;
      differing.push(name);
      if (!expected.includes(name)) diffs.push(`${name}\n  lighttpd: ${want}\n  ours:     ${got}`);
    }
    console.log(`upgrade response-start differential (${modules}): ${CASES.length - differing.length} of ${CASES.length} agree`);
    assert.equal(diffs.length, 0, `${diffs.length} of ${CASES.length} differ:\n${diffs.join('\n')}`);
    assert.deepEqual(differing, expected, 'the expected differences are still there');
  });
}

test('a backend\'s answer to an upgrade keeps its body as sent when mod_deflate would compress it', async (t) => {
  const http = await startHttpBackend();
  t.after(() => http.close());
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_deflate", "mod_setenv", "mod_proxy" )
deflate.mimetypes = ( "application/json" )
deflate.allowed-encodings = ( "gzip" )
deflate.min-compress-size = 0
setenv.add-response-header = ( "X-Add" => "a" )
proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${http.port} ) ) )
proxy.header = ( "upgrade" => "enable" )
`,
  );
  const plain = (await rawRequest(s.port, upgradeHead('/x', { 'Accept-Encoding': 'gzip' }), { expect: 1 })).responses[0];
  assert.equal(plain?.status, 200);
  assert.equal(plain?.header('content-encoding'), undefined);
  assert.equal(plain?.header('x-add'), undefined, 'the hooks are left out rather than announce gzip');
  assert.equal((JSON.parse(plain?.body.toString() ?? '{}') as { url?: string }).url, '/x');
  // an ordinary request on the same path is compressed and gets the header
  const normal = (await rawRequest(s.port, 'GET /x HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n', { expect: 1 })).responses[0];
  assert.equal(normal?.header('content-encoding'), 'gzip');
  assert.equal(normal?.header('x-add'), 'a');
});

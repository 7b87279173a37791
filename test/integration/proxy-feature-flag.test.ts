/**
 * `server.feature-flags` "proxy.force-http10" (proxy.md §1, http-core.md §7.4): the flag sets the
 * force-http10 default, and a `proxy.header` in effect replaces it as a whole. Checked side by side
 * against the real lighttpd 1.4.69 (same config, same recording backend), plus lighttpd's boolean
 * spellings for the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lighttpdAvailable, startLighttpd } from '../helpers/lighttpd.js';
import { startHttpBackend } from '../helpers/proxy-backends.js';
import { proxiedView } from '../helpers/proxy-diff-view.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, tempDir } from '../helpers/server.js';

function config(docroot: string, backendPort: number, flag: string): string {
  return `server.document-root = "${docroot}"
server.modules += ( "mod_proxy" )
server.feature-flags += ( "proxy.force-http10" => ${flag} )
proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${backendPort} ) ) )
$HTTP["url"] =^ "/hdr/" {
  proxy.header = ( "upgrade" => "enable" )
}
$HTTP["url"] =^ "/forced/" {
  proxy.header = ( "force-http10" => "enable" )
}
`;
}

const REQUESTS: readonly (readonly [string, string])[] = [
  ['flag only', 'GET /plain HTTP/1.1\r\nHost: front.example\r\nTE: trailers\r\nConnection: TE, close\r\n\r\n'],
  ['a proxy.header without force-http10 replaces the flag', 'GET /hdr/x HTTP/1.1\r\nHost: front.example\r\nTE: trailers\r\nConnection: TE, close\r\n\r\n'],
  ['proxy.header force-http10', 'GET /forced/x HTTP/1.1\r\nHost: front.example\r\nConnection: close\r\n\r\n'],
  ['POST with Content-Length', 'POST /post HTTP/1.1\r\nHost: front.example\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'],
];

for (const flag of ['"enable"', '1']) {
  test(`server.feature-flags "proxy.force-http10" => ${flag}: same as lighttpd 1.4.69`, { timeout: 60_000, skip: !lighttpdAvailable() && 'lighttpd not installed' }, async (t) => {
    const be = await startHttpBackend();
    t.after(() => be.close());
    const conf = config(tempDir(t, 'tsw-flag-'), be.port, flag);
    const oracle = await startLighttpd(t, `${conf}server.port = @PORT@\nserver.bind = "127.0.0.1"\n`);
    const tsw = await startTestServer(t, conf);
    for (const [name, request] of REQUESTS) {
      const want = await proxiedView(oracle.port, request, be.requests, oracle.port);
      const got = await proxiedView(tsw.port, request, be.requests, tsw.port);
      assert.equal(got, want, name);
    }
    const versions = be.requests.map((r) => `${r.url} ${r.httpVersion}`);
    // each request twice (lighttpd, then tswstunnel)
    assert.deepEqual(versions, ['/plain 1.0', '/plain 1.0', '/hdr/x 1.1', '/hdr/x 1.1', '/forced/x 1.0', '/forced/x 1.0', '/post 1.0', '/post 1.0']);
  });
}

test('server.feature-flags "proxy.force-http10": a chunked body of unknown length is 411; "disable" and unknown words keep HTTP/1.1', async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const on = await startTestServer(t, config(tempDir(t, 'tsw-flag-'), be.port, '"Enabled"'));
  const big = `POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${`40000\r\n${'z'.repeat(0x40000)}\r\n`.repeat(2)}0\r\n\r\n`;
  assert.equal((await rawRequest(on.port, big)).responses[0]?.status, 411);
  assert.equal(be.requests.length, 0);
  for (const flag of ['"disable"', '"on"', '0']) {
    const srv = await startTestServer(t, config(tempDir(t, 'tsw-flag-'), be.port, flag));
    const r = await rawRequest(srv.port, 'GET /plain HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(r.responses[0]?.status, 200, flag);
    assert.equal(be.requests.at(-1)?.httpVersion, '1.1', flag);
  }
});

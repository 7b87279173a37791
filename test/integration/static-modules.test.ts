/**
 * Static files and request modules through the real server, for behaviour the differential test
 * cannot compare with lighttpd: the built-in MIME table (a deliberate difference), streaming a large
 * file with bounded memory, mod_setenv request headers seen by later conditions, and module order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';

function get(target: string, ...headers: string[]): string {
  return [`GET ${target} HTTP/1.1`, 'Host: localhost', ...headers, 'Connection: close', '', ''].join('\r\n');
}

test('without mimetype.assign the built-in table types noVNC files (with caching headers)', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\n', {
    files: { 'app/ui.js': 'export {};\n', 'app/styles/base.css': 'a{}\n', 'vnc.html': '<html></html>\n', 'blob.unknownext': 'x' },
  });
  const js = (await rawRequest(s.port, get('/app/ui.js'))).responses[0];
  assert.equal(js?.header('content-type'), 'text/javascript');
  assert.ok(js?.header('etag'), 'explicit types keep the ETag');
  assert.equal((await rawRequest(s.port, get('/app/styles/base.css'))).responses[0]?.header('content-type'), 'text/css;charset=utf-8');
  assert.equal((await rawRequest(s.port, get('/vnc.html'))).responses[0]?.header('content-type'), 'text/html');
  const other = (await rawRequest(s.port, get('/blob.unknownext'))).responses[0];
  assert.equal(other?.header('content-type'), 'application/octet-stream');
  assert.ok(other?.header('last-modified'));
});

test('a large file is streamed with backpressure (bounded memory) and arrives whole', { timeout: 60_000 }, async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".bin" => "application/x-test" )\n');
  const size = 128 * 1024 * 1024;
  const fh = await open(path.join(s.docroot, 'big.bin'), 'w');
  await fh.truncate(size); // sparse: cheap on disk, 128 MiB to send
  await fh.close();
  const before = process.memoryUsage().arrayBuffers;
  const sock = connect(s.port, '127.0.0.1');
  sock.pause();
  sock.write(get('/big.bin'));
  // the client does not read for a while: a server without backpressure would buffer the whole file
  // (measured here: ~5 MiB in flight with backpressure, over 100 MiB without it)
  await new Promise((r) => setTimeout(r, 1000));
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 20 * 1024 * 1024, `buffers grew by ${Math.round(grown / 1048576)} MiB while the client was not reading`);
  let received = 0;
  let headerDone = false;
  await new Promise<void>((resolve, reject) => {
    sock.on('data', (d: Buffer) => {
      if (!headerDone) {
        const i = d.indexOf('\r\n\r\n');
        if (i >= 0) {
          headerDone = true;
          assert.match(d.subarray(0, i).toString('latin1'), /Content-Length: 134217728/);
          received += d.length - i - 4;
        }
      } else {
        received += d.length;
      }
    });
    sock.on('end', resolve);
    sock.on('error', reject);
    sock.resume();
  });
  assert.equal(received, size);
});

test('mod_setenv: request headers are visible to later modules, response headers on 404 too', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_setenv", "mod_access", "mod_staticfile" )
setenv.add-request-header = ( "X-Added" => "yes" )
setenv.add-response-header = ( "X-A" => "1", "X-B" => "  2  " )
setenv.set-response-header = ( "X-S" => "set" )
$REQUEST_HEADER["X-Added"] == "yes" { $HTTP["url"] =^ "/deny/" { url.access-deny = ( "" ) } }
`,
    { files: { 'deny/x.txt': 'x', 'ok.txt': 'ok' } },
  );
  const denied = (await rawRequest(s.port, get('/deny/x.txt'))).responses[0];
  assert.equal(denied?.status, 403);
  assert.equal(denied?.header('x-s'), 'set', 'mod_setenv ran first, so its headers are on the 403');
  const missing = (await rawRequest(s.port, get('/nope'))).responses[0];
  assert.equal(missing?.status, 404);
  assert.equal(missing?.header('x-a'), '1');
  assert.equal(missing?.header('x-b'), '2', 'values are trimmed');
});

test('mod_access before mod_setenv: the 403 carries no setenv headers (module order is observable)', async (t) => {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_access", "mod_setenv", "mod_staticfile" )
url.access-deny = ( ".inc" )
setenv.add-response-header = ( "X-A" => "1" )
`,
    { files: { 'a.inc': 'x', 'ok.txt': 'ok' } },
  );
  const denied = (await rawRequest(s.port, get('/a.inc'))).responses[0];
  assert.equal(denied?.status, 403);
  assert.equal(denied?.header('x-a'), undefined);
  assert.equal((await rawRequest(s.port, get('/ok.txt'))).responses[0]?.header('x-a'), '1');
});

test('bad module values are startup errors with the value location', async (t) => {
  await assert.rejects(startTestServer(t, 'server.modules = ( "mod_rewrite" )\nurl.rewrite-once = ( "(" => "/x" )\n'), /pcre-compile failed/);
  await assert.rejects(startTestServer(t, 'server.modules = ( "mod_alias" )\nalias.url = ( "/a" => "/x", "/ab" => "/y" )\n'), /will never match/);
});

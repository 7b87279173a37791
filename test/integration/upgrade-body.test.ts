/**
 * Upgrade candidates that carry a request body, on real sockets. lighttpd reads such a body as a body
 * (mod_wstunnel takes GET only, and a GET with a body is 400), so a uri-phase hook that reads it gets it
 * and answers; the engine does not lend the socket for an upgrade decision then. A CONNECT, which is
 * always lent, cannot hold a hook that waits for its body longer than `server.max-read-idle`.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tcpBackend } from '../helpers/backends.js';
import { createBodyTestModule, type EchoReply } from '../helpers/body-module.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const modules = { mod_bodytest: createBodyTestModule };
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13';

async function server(t: TestContext): Promise<{ s: TestServer; backendConnections: () => number }> {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const s = await startTestServer(
    t,
    `server.modules = ("mod_wstunnel", "mod_bodytest", "mod_staticfile")
server.max-read-idle = 1
$HTTP["url"] =^ "/echo" { bodytest.mode = "echo" }
$HTTP["url"] =^ "/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }
`,
    { modules },
  );
  return { s, backendConnections: () => backend.accepted.length };
}

function echoOf(body: string): EchoReply {
  return { length: body.length, sha1: createHash('sha1').update(body).digest('hex'), head: body.slice(0, 64) };
}

test('an Upgrade request with a Content-Length body is an ordinary request: a uri hook reads the body and answers, keep-alive holds', async (t) => {
  const { s } = await server(t);
  const body = '0123456789';
  const reqs = `POST /echo HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\nContent-Length: ${body.length}\r\n\r\n${body}` + 'GET /echo HTTP/1.1\r\nHost: x\r\n\r\n';
  const ex = await rawRequest(s.port, reqs, { expect: 2, timeoutMs: 5000 });
  assert.equal(ex.responses.length, 2, ex.raw.toString('latin1'));
  const [first, second] = ex.responses;
  assert.equal(first?.status, 200);
  assert.deepEqual(JSON.parse(first?.body.toString() ?? '{}') as EchoReply, echoOf(body));
  assert.deepEqual(JSON.parse(second?.body.toString() ?? '{}') as EchoReply, echoOf(''));
  assert.equal(ex.closed, false);
});

test('an Upgrade request with a chunked body is an ordinary request: its body reaches the uri hook', async (t) => {
  const { s } = await server(t);
  const reqs = `PUT /echo HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`;
  const ex = await rawRequest(s.port, reqs, { expect: 1, timeoutMs: 5000 });
  assert.equal(ex.responses[0]?.status, 200, ex.raw.toString('latin1'));
  assert.deepEqual(JSON.parse(ex.responses[0]?.body.toString() ?? '{}') as EchoReply, echoOf('hello world'));
});

test('a POST upgrade with a body to a wstunnel path is not tunnelled (lighttpd: GET only): 404 from the file check, no backend connection', async (t) => {
  const { s, backendConnections } = await server(t);
  const ex = await rawRequest(s.port, `POST /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\nContent-Length: 3\r\n\r\nabc`, { expect: 1, timeoutMs: 5000 });
  assert.equal(ex.responses[0]?.status, 404, ex.raw.toString('latin1'));
  assert.equal(backendConnections(), 0);
});

test('a CONNECT whose body a uri hook waits for is closed after server.max-read-idle, unanswered', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_bodytest", "mod_staticfile")\nserver.max-read-idle = 1\nbodytest.mode = "echo"\n', { modules });
  const started = Date.now();
  // the body never arrives: the hook waits for it while the socket is lent for the CONNECT decision
  const ex = await rawRequest(s.port, 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nContent-Length: 10\r\n\r\n', { timeoutMs: 6000 });
  assert.equal(ex.closed, true, 'closed by the server');
  assert.ok(Date.now() - started < 4000, `closed after ${Date.now() - started} ms`);
  assert.equal(ex.responses.length, 0, ex.raw.toString('latin1'));
});

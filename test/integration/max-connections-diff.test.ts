/**
 * `server.max-connections` counts for the whole server, against lighttpd 1.4.69 (both get the same
 * config): with two listeners (`server.port` and a `$SERVER["socket"]`) and a limit of 2, two kept-alive
 * connections on the first listener leave a connection on the second one unserved (lighttpd stops
 * accepting on every socket: the connection waits in the backlog) until one of the two closes; then it
 * is served, and the error log says "sockets disabled" / "sockets enabled again".
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startLighttpd } from '../helpers/lighttpd.js';
import { openRaw } from '../helpers/raw-conn.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const GET = 'GET /f HTTP/1.1\r\nHost: x\r\n\r\n';
const BODY = 'hello from f';

function conf(docroot: string, port: string, port2: string): string {
  return `server.document-root = "${docroot}"
server.bind = "127.0.0.1"
server.port = ${port}
server.max-connections = 2
$SERVER["socket"] == "127.0.0.1:${port2}" { }
`;
}

/** The scenario of the file header on `port` / `port2`: what happened, step by step. */
async function observe(t: TestContext, port: number, port2: number, stderr: () => string): Promise<string[]> {
  const seen: string[] = [];
  const a1 = await openRaw(t, port);
  const a2 = await openRaw(t, port);
  a1.write(GET);
  a2.write(GET);
  seen.push(`a1 ${String(await a1.waitFor(BODY))}`, `a2 ${String(await a2.waitFor(BODY))}`);
  const b = await openRaw(t, port2);
  b.write(GET);
  seen.push(`b before a close: ${String(await b.waitFor(BODY, 700))} (closed ${String(b.closed)})`);
  a1.socket.destroy();
  seen.push(`b after a close: ${String(await b.waitFor(BODY))}`);
  seen.push(`disabled logged: ${String(stderr().includes('[note] sockets disabled, connection limit reached'))}`);
  a2.socket.destroy();
  b.socket.destroy();
  const enabled = await waitFor(() => stderr().includes('[note] sockets enabled again'), 3000, 'sockets enabled again').then(
    () => true,
    () => false,
  );
  seen.push(`enabled logged: ${String(enabled)}`);
  return seen;
}

const EXPECTED = ['a1 true', 'a2 true', 'b before a close: false (closed false)', 'b after a close: true', 'disabled logged: true', 'enabled logged: true'];

test('server.max-connections is one limit for all listeners: a connection on the other listener waits until one closes (lighttpd 1.4.69)', async (t) => {
  const s = await startTestServer(t, conf('@DOCROOT@', '0', '@FREEPORT@'), { files: { f: BODY } });
  const port2 = s.server.listeners[1]?.port ?? 0;
  assert.notEqual(port2, 0);
  const ours = await observe(t, s.port, port2, () => s.stderr());
  const l = await startLighttpd(t, conf(s.docroot, '@PORT@', '@PORT2@'));
  const theirs = await observe(t, l.port, l.port2, () => l.stderr());
  assert.deepEqual(theirs, EXPECTED, 'lighttpd 1.4.69');
  assert.deepEqual(ours, theirs);
});

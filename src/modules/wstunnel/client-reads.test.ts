import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { CLIENT_READ_BUFFER, ClientReads, moveToSharedReads } from './client-reads.js';

/** A listening server that pauses accepted sockets (as the engine does) and a connected client. */
async function pair(t: TestContext): Promise<{ server: net.Server; accepted: net.Socket; client: net.Socket }> {
  let take: (s: net.Socket) => void = () => undefined;
  const got = new Promise<net.Socket>((r) => (take = r));
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, take);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const client = net.connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
  client.on('error', () => undefined);
  const accepted = await got;
  accepted.on('error', () => undefined);
  t.after(() => {
    client.destroy();
    accepted.destroy();
    server.close();
  });
  return { server, accepted, client };
}

function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a moved socket reads into the shared buffer, writes, and closing it closes the accepted one', async (t) => {
  const { server, accepted, client } = await pair(t);
  const reads = new ClientReads();
  const got: string[] = [];
  reads.sink = { clientRead: (n) => void got.push(CLIENT_READ_BUFFER.toString('latin1', 0, n)) };
  const moved = moveToSharedReads(accepted, reads);
  assert.ok(moved instanceof net.Socket);
  assert.notEqual(moved, accepted);
  let acceptedClosed = false;
  accepted.on('close', () => (acceptedClosed = true));
  moved.on('error', () => undefined);
  moved.resume();
  client.write('hello');
  await until(() => got.join('') === 'hello', 'bytes through onread');
  let echoed = '';
  client.on('data', (b: Buffer) => (echoed += b.toString()));
  moved.write('back');
  await until(() => echoed === 'back', 'bytes written through the moved socket');
  assert.equal(await connections(server), 1);
  // the client's FIN reaches the moved socket as 'end'
  let ended = false;
  moved.on('end', () => {
    ended = true;
    moved.end();
  });
  client.end();
  await until(() => ended && acceptedClosed, "'end' on the moved socket, then 'close' on the accepted one");
  assert.equal(await connections(server), 0, 'the server counts the connection as closed');
});

test('destroying the accepted socket (a server stop) closes the moved one', async (t) => {
  const { accepted, client } = await pair(t);
  const moved = moveToSharedReads(accepted, new ClientReads());
  assert.ok(moved !== null);
  moved.on('error', () => undefined);
  let clientClosed = false;
  client.on('close', () => (clientClosed = true));
  accepted.destroy();
  await until(() => moved.destroyed && clientClosed, 'moved socket and peer closed');
});

test('no move when bytes already wait in the accepted socket, or for a stream that is not a TCP socket', async (t) => {
  const { accepted, client } = await pair(t);
  accepted.pause();
  accepted.resume();
  accepted.pause();
  client.write('early');
  await until(() => accepted.readableLength > 0, 'bytes buffered in the accepted socket');
  assert.equal(moveToSharedReads(accepted, new ClientReads()), null);
  // nothing changed: the bytes are still there to be read the usual way
  assert.equal((accepted.read() as Buffer).toString(), 'early');
  assert.equal(moveToSharedReads(new PassThrough(), new ClientReads()), null);
});

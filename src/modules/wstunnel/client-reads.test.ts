import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { CLIENT_READ_BUFFER, ClientReads, moveToSharedReads } from './client-reads.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { acceptedPair } from '../../../test/helpers/socket-pair.js';

function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

test('a moved socket reads into the shared buffer, writes, and closing it closes the accepted one', async (t) => {
  const { server, accepted, client } = await acceptedPair(t);
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
  await waitFor(() => got.join('') === 'hello', 3000, 'bytes through onread');
  let echoed = '';
  client.on('data', (b: Buffer) => (echoed += b.toString()));
  moved.write('back');
  await waitFor(() => echoed === 'back', 3000, 'bytes written through the moved socket');
  assert.equal(await connections(server), 1);
  // the client's FIN reaches the moved socket as 'end'
  let ended = false;
  moved.on('end', () => {
    ended = true;
    moved.end();
  });
  client.end();
  await waitFor(() => ended && acceptedClosed, 3000, "'end' on the moved socket, then 'close' on the accepted one");
  assert.equal(await connections(server), 0, 'the server counts the connection as closed');
});

test('destroying the accepted socket (a server stop) closes the moved one', async (t) => {
  const { accepted, client } = await acceptedPair(t);
  const moved = moveToSharedReads(accepted, new ClientReads());
  assert.ok(moved !== null);
  moved.on('error', () => undefined);
  let clientClosed = false;
  client.on('close', () => (clientClosed = true));
  accepted.destroy();
  await waitFor(() => moved.destroyed && clientClosed, 3000, 'moved socket and peer closed');
});

test('no move when bytes already wait in the accepted socket, or for a stream that is not a TCP socket', async (t) => {
  const { accepted, client } = await acceptedPair(t);
  accepted.pause();
  accepted.resume();
  accepted.pause();
  client.write('early');
  await waitFor(() => accepted.readableLength > 0, 3000, 'bytes buffered in the accepted socket');
  assert.equal(moveToSharedReads(accepted, new ClientReads()), null);
  // nothing changed: the bytes are still there to be read the usual way
  assert.equal((accepted.read() as Buffer).toString(), 'early');
  assert.equal(moveToSharedReads(new PassThrough(), new ClientReads()), null);
});

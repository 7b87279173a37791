import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { SocketPeer } from './peer.js';

/** A connected pair on 127.0.0.1: the server's side and the client's. */
async function pair(t: { after(fn: () => void): void }): Promise<{ server: Socket; client: Socket }> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  if (addr === null || typeof addr === 'string') throw new Error('address');
  const accepted = once(srv, 'connection');
  const client = connect(addr.port, '127.0.0.1');
  const [server] = (await accepted) as [Socket];
  await once(client, 'connect');
  t.after(() => {
    client.destroy();
    server.destroy();
    srv.close();
  });
  return { server, client };
}

test('a peer read on demand gives the connection\'s addresses', async (t) => {
  const { server, client } = await pair(t);
  const peer = new SocketPeer(server);
  assert.equal(peer.remoteAddr, '127.0.0.1');
  assert.equal(peer.remotePort, client.localPort);
  assert.equal(peer.localAddr, '127.0.0.1');
  assert.equal(peer.localPort, client.remotePort);
});

test('a settled peer keeps its addresses after the socket is closed; an unsettled one has none then', async (t) => {
  const a = await pair(t);
  const b = await pair(t);
  const settled = new SocketPeer(a.server);
  const unsettled = new SocketPeer(b.server);
  settled.settle();
  a.server.destroy();
  b.server.destroy();
  await Promise.all([once(a.server, 'close'), once(b.server, 'close')]);
  assert.equal(settled.remoteAddr, '127.0.0.1');
  assert.equal(settled.remotePort, a.client.localPort);
  assert.equal(settled.localPort, a.client.remotePort);
  assert.equal(unsettled.remoteAddr, '');
  assert.equal(unsettled.localPort, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { watchWrites } from './write-watch.js';

async function pairWithStuckPeer(): Promise<{ sock: net.Socket; peer: net.Socket; close: () => void }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [peer] = (await once(server, 'connection')) as [net.Socket];
  await once(sock, 'connect');
  peer.pause();
  return {
    sock,
    peer,
    close: () => {
      sock.destroy();
      peer.destroy();
      server.close();
    },
  };
}

test('a backend that stops reading is reported after write-timeout', async () => {
  const { sock, close } = await pairWithStuckPeer();
  const started = Date.now();
  const stalled = new Promise<void>((resolve) => watchWrites(sock, 1, resolve, 100));
  // far more than the socket buffers hold, so bytes stay queued
  for (let i = 0; i < 64; i++) sock.write(Buffer.alloc(1024 * 1024));
  await stalled;
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `stalled after ${took} ms`);
  close();
});

test('a reading backend is never reported', async () => {
  const { sock, peer, close } = await pairWithStuckPeer();
  let stalled = false;
  watchWrites(sock, 1, () => (stalled = true), 100);
  peer.resume();
  for (let i = 0; i < 20; i++) {
    sock.write(Buffer.alloc(256 * 1024));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(stalled, false);
  close();
});

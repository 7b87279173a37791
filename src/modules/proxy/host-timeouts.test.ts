import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { HostTimeouts } from './host-timeouts.js';
import type { ProxyLease } from './lease.js';
import { BackendResponseError } from './response-reader.js';

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

function lease(sock: net.Socket, readTimeout: number, writeTimeout: number): ProxyLease {
  return {
    socket: sock,
    host: { spec: { label: 'x', readTimeout, writeTimeout } },
    proc: { name: 'tcp:test' },
    reused: false,
    release: () => undefined,
    keep: () => undefined,
  };
}

function failure(sock: net.Socket): Promise<BackendResponseError> {
  return new Promise((resolve) => sock.once('error', (e) => resolve(e as BackendResponseError)));
}

test('a backend that stops reading is cut after write-timeout with a 504 error', async () => {
  const { sock, close } = await pairWithStuckPeer();
  const timeouts = new HostTimeouts(100);
  const started = Date.now();
  const failed = failure(sock);
  timeouts.watch(sock, lease(sock, 0, 1));
  // far more than the socket buffers hold, so bytes stay queued
  for (let i = 0; i < 64; i++) sock.write(Buffer.alloc(1024 * 1024));
  const err = await failed;
  const took = Date.now() - started;
  assert.equal(err.code, 'TSW_PROXY_WRITE_TIMEOUT');
  assert.equal(err.status, 504);
  assert.ok(took >= 900 && took < 5000, `stalled after ${took} ms`);
  close();
});

test('a reading backend is never cut; unwatch stops the checks', async () => {
  const { sock, peer, close } = await pairWithStuckPeer();
  const timeouts = new HostTimeouts(100);
  let failed = false;
  sock.on('error', () => (failed = true));
  timeouts.watch(sock, lease(sock, 0, 1));
  peer.resume();
  for (let i = 0; i < 20; i++) {
    sock.write(Buffer.alloc(256 * 1024));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(failed, false);
  timeouts.unwatch(sock);
  close();
});

test('read-timeout: silence while reading is cut; a paused socket (slow client) is not', async () => {
  const { sock, peer, close } = await pairWithStuckPeer();
  const timeouts = new HostTimeouts(100);
  sock.pause();
  timeouts.watch(sock, lease(sock, 1, 0));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(sock.destroyed, false, 'paused: not waiting for the backend');
  const started = Date.now();
  const failed = failure(sock);
  sock.resume();
  peer.write('a');
  const err = await failed;
  assert.equal(err.code, 'TSW_PROXY_READ_TIMEOUT');
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `cut after ${took} ms`);
  close();
});

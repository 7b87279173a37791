import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { streamBinding, type StreamBinding, type TcpHandle } from './stream-binding.js';
import { WRITTEN, writeToHandle, type HandleWrite, type WriteOwner } from './handle-write.js';
import { waitFor } from '../../test/helpers/wait.js';

function binding(): StreamBinding {
  assert.ok(streamBinding !== null, 'node stream handles are usable');
  return streamBinding;
}

interface Peer {
  readonly handle: TcpHandle;
  readonly socket: net.Socket;
  /** Bytes the peer received so far. */
  readonly received: () => Buffer;
}

/** A raw TCP handle connected to a server on 127.0.0.1 port 0, and the server's side of it (paused). */
async function connected(t: TestContext): Promise<Peer> {
  const b = binding();
  let accepted: net.Socket | null = null;
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => {
    accepted = s;
    s.pause();
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const a = server.address();
  const port = typeof a === 'object' && a !== null ? a.port : 0;
  const handle = b.newTcp();
  const status = await new Promise<number>((resolve) => {
    const err = handle.connect(b.newConnectReq('tcp', handle, resolve), '127.0.0.1', port);
    if (err < 0) resolve(err);
  });
  assert.equal(status, 0, 'connected');
  t.after(() => handle.close(() => undefined));
  await waitFor(() => accepted !== null, 5000, 'accepted');
  return { handle, socket: accepted as unknown as net.Socket, received: () => Buffer.concat(chunks) };
}

/** Records every completion it is told of. */
class Recorder implements WriteOwner<string> {
  readonly done: Array<{ req: HandleWrite<string>; token: string | null; bytes: number; status: number }> = [];
  written(req: HandleWrite<string>, status: number): void {
    this.done.push({ req, token: req.token, bytes: req.bytes, status });
  }
}

/** A buffer larger than the kernel takes at once on loopback while the peer does not read. */
function big(fill: number): Buffer {
  return Buffer.alloc(16 * 1024 * 1024, fill);
}

test('writes the kernel takes whole (latin1 string, buffer, several buffers as one writev) are WRITTEN, arrive in order, and complete nothing later', async (t) => {
  const b = binding();
  const peer = await connected(t);
  const owner = new Recorder();
  assert.equal(writeToHandle(b, peer.handle, 'aé', 2, owner, 'one'), WRITTEN);
  assert.equal(writeToHandle(b, peer.handle, Buffer.from('b'), 1, owner, 'two'), WRITTEN);
  assert.equal(writeToHandle(b, peer.handle, [Buffer.from('c'), Buffer.from('de')], 3, owner, 'three'), WRITTEN);
  peer.socket.resume();
  await waitFor(() => peer.received().length === 6, 5000, 'six bytes');
  assert.equal(peer.received().toString('latin1'), 'aébcde');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(owner.done.length, 0, 'nothing completes later');
});

test('a write the kernel cannot take whole returns its request; the owner hears of it once, with its token and size, after the peer reads; a second one in flight gets its own request', async (t) => {
  const b = binding();
  const peer = await connected(t);
  const owner = new Recorder();
  const first = writeToHandle(b, peer.handle, big(1), 16 * 1024 * 1024, owner, 'first');
  assert.equal(typeof first, 'object', 'queued in libuv');
  const second = writeToHandle(b, peer.handle, big(2), 16 * 1024 * 1024, owner, 'second');
  assert.equal(typeof second, 'object');
  assert.notEqual(second, first, 'a request in flight is not used again');
  assert.equal(owner.done.length, 0, 'nothing completes before the peer reads');
  peer.socket.resume();
  await waitFor(() => owner.done.length === 2, 10_000, 'both completions');
  assert.deepEqual(
    owner.done.map((d) => [d.req === first ? 'first req' : d.req === second ? 'second req' : '?', d.token, d.bytes, d.status]),
    [
      ['first req', 'first', 16 * 1024 * 1024, 0],
      ['second req', 'second', 16 * 1024 * 1024, 0],
    ],
  );
  await waitFor(() => peer.received().length === 32 * 1024 * 1024, 10_000, 'every byte');
  const got = peer.received();
  assert.equal(got[0], 1);
  assert.equal(got[16 * 1024 * 1024 - 1], 1);
  assert.equal(got[16 * 1024 * 1024], 2);
  assert.equal(got[got.length - 1], 2);
});

test('a queued write whose peer resets completes with an error status', async (t) => {
  const b = binding();
  const peer = await connected(t);
  const owner = new Recorder();
  const req = writeToHandle(b, peer.handle, big(3), 16 * 1024 * 1024, owner, 'lost');
  assert.equal(typeof req, 'object');
  peer.socket.resetAndDestroy();
  await waitFor(() => owner.done.length === 1, 5000, 'the completion');
  const d = owner.done[0];
  assert.ok(d !== undefined && d.status < 0, 'an error status');
  assert.equal(d.token, 'lost');
});

test('a write after our own shutdown is refused with EPIPE and nothing completes', async (t) => {
  const b = binding();
  const peer = await connected(t);
  const shut = await new Promise<number>((resolve) => {
    const err = peer.handle.shutdown(b.newShutdownReq(peer.handle, resolve));
    if (err < 0) resolve(err);
  });
  assert.equal(shut, 0);
  const owner = new Recorder();
  const r = writeToHandle(b, peer.handle, Buffer.from('late'), 4, owner, 'late');
  assert.equal(typeof r, 'number');
  assert.ok(typeof r === 'number' && r < 0);
  assert.equal(getSystemErrorName(r), 'EPIPE');
  // the next write on a working connection still goes out (the refused request was not left half-used)
  const other = await connected(t);
  assert.equal(writeToHandle(b, other.handle, 'ok', 2, owner, 'ok'), WRITTEN);
  other.socket.resume();
  await waitFor(() => other.received().toString() === 'ok', 5000, 'the write after');
  assert.equal(owner.done.length, 0);
});

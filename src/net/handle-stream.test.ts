import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connectHandle } from './connect-handle.js';
import type { HandleStream } from './handle-stream.js';
import { takeHandle } from './take-handle.js';
import { waitFor } from '../../test/helpers/wait.js';

/** A server on 127.0.0.1 port 0 whose accepted sockets go to `onSocket`, and a connected HandleStream. */
async function connected(t: TestContext, onSocket: (s: net.Socket) => void, allowHalfOpen = false): Promise<{ stream: HandleStream; got: () => string }> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const a = server.address();
  const chunks: string[] = [];
  const reads = { buffer: Buffer.alloc(64 * 1024), callback: (n: number): void => void chunks.push(reads.buffer.toString('latin1', 0, n)) };
  const p = connectHandle({ kind: 'tcp', host: '127.0.0.1', port: typeof a === 'object' && a !== null ? a.port : 0 }, 1000, reads, allowHalfOpen);
  assert.ok(p !== null);
  const stream = await p;
  t.after(() => stream.destroy());
  return { stream, got: () => chunks.join('') };
}

test('writes (plain, corked into one writev, latin1) arrive in order; end() sends FIN after them', async (t) => {
  let received = '';
  let peerEnded = false;
  const { stream } = await connected(t, (s) => {
    s.on('data', (b: Buffer) => (received += b.toString('latin1')));
    s.on('end', () => (peerEnded = true));
  });
  let calls = 0;
  stream.write(Buffer.from('a'), () => calls++);
  stream.cork();
  stream.write(Buffer.from('b'), () => calls++);
  stream.write(Buffer.from('c'));
  assert.equal(stream.writableLength >= 2, true, 'corked bytes count as queued');
  stream.uncork();
  stream.writeLatin1('dé');
  stream.end();
  assert.equal(stream.writable, false);
  assert.equal(stream.writableEnded, true);
  await waitFor(() => peerEnded, 5000, 'FIN after the data');
  assert.equal(received, 'abcdé');
  assert.equal(calls, 2);
  assert.equal(stream.bytesWritten, 5);
});

test("a large write queues, 'drain' comes when it is all written, and the peer gets every byte", async (t) => {
  let peer: net.Socket | null = null;
  let received = 0;
  const { stream } = await connected(t, (s) => {
    peer = s;
    s.pause();
    s.on('data', (b: Buffer) => (received += b.length));
  });
  await waitFor(() => peer !== null, 5000, 'accepted');
  const big = Buffer.alloc(8 * 1024 * 1024, 7);
  let drained = 0;
  stream.on('drain', () => drained++);
  assert.equal(stream.write(big), false, 'false above the high-water mark');
  assert.ok(stream.writableLength > 0);
  (peer as unknown as net.Socket).resume();
  await waitFor(() => drained > 0 && received === big.length, 5000, 'all bytes, then drain');
  assert.equal(stream.writableLength, 0);
  assert.equal(stream.bytesWritten, big.length);
});

test("reads go to the callback; pause() stops them; the peer's FIN is 'end', and with allowHalfOpen our side stays open", async (t) => {
  let peer: net.Socket | null = null;
  let late = '';
  const { stream, got } = await connected(
    t,
    (s) => {
      peer = s;
      s.on('data', (b: Buffer) => (late += b.toString()));
    },
    true,
  );
  await waitFor(() => peer !== null, 5000, 'accepted');
  const p = peer as unknown as net.Socket;
  p.write('one');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got(), '', 'not reading before resume()');
  stream.resume();
  await waitFor(() => got() === 'one', 5000, 'first read');
  stream.pause();
  p.write('two');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got(), 'one', 'paused');
  let ended = false;
  stream.on('end', () => (ended = true));
  p.end();
  stream.resume();
  await waitFor(() => ended && got() === 'onetwo', 5000, "rest, then 'end'");
  // half-open: we can still write after the peer's FIN
  stream.write(Buffer.from('late'));
  let closed = false;
  stream.on('close', () => (closed = true));
  stream.end();
  await waitFor(() => closed && late === 'late', 5000, 'the peer gets it; close after our FIN');
});

test("a reset is 'error' (ECONNRESET) then 'close'; destroy() closes at once", async (t) => {
  let peer: net.Socket | null = null;
  const { stream } = await connected(t, (s) => (peer = s));
  await waitFor(() => peer !== null, 5000, 'accepted');
  const events: string[] = [];
  stream.on('error', (e) => events.push(`error ${e.code ?? ''}`));
  stream.on('close', () => events.push('close'));
  stream.resume();
  (peer as unknown as net.Socket).resetAndDestroy();
  await waitFor(() => events.includes('close'), 5000, 'close');
  assert.deepEqual(events, ['error ECONNRESET', 'close']);

  const second = await connected(t, () => undefined);
  let closed = false;
  second.stream.on('close', () => (closed = true));
  second.stream.destroy();
  assert.equal(second.stream.destroyed, true);
  assert.equal(second.stream.write(Buffer.from('x')), false, 'nothing is written after destroy');
  await waitFor(() => closed, 5000, 'close after destroy');
});

test('takeHandle: the accepted socket stays as a stand-in, closed with the stream; bytes go both ways', async (t) => {
  let taken: HandleStream | null = null;
  let standIn: net.Socket | null = null;
  const got: string[] = [];
  const reads = { buffer: Buffer.alloc(1024), callback: (n: number): void => void got.push(reads.buffer.toString('latin1', 0, n)) };
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
    standIn = s;
    taken = takeHandle(s, reads);
    taken?.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const a = server.address();
  const client = net.connect(typeof a === 'object' && a !== null ? a.port : 0, '127.0.0.1');
  t.after(() => client.destroy());
  await waitFor(() => taken !== null, 5000, 'handle taken');
  const stream = taken as unknown as HandleStream;
  client.write('up');
  await waitFor(() => got.join('') === 'up', 5000, 'client bytes through the stream');
  let down = '';
  client.on('data', (b: Buffer) => (down += b.toString()));
  stream.write(Buffer.from('down'));
  await waitFor(() => down === 'down', 5000, 'bytes to the client');
  let standInClosed = false;
  (standIn as unknown as net.Socket).on('close', () => (standInClosed = true));
  stream.on('end', () => stream.end());
  client.end();
  await waitFor(() => standInClosed && stream.closed, 5000, 'the stand-in closes with the stream');

  // destroying the stand-in (a server stop) closes the stream
  taken = null;
  const second = net.connect(typeof a === 'object' && a !== null ? a.port : 0, '127.0.0.1');
  t.after(() => second.destroy());
  await waitFor(() => taken !== null, 5000, 'second handle taken');
  (standIn as unknown as net.Socket).destroy();
  await waitFor(() => (taken as unknown as HandleStream).closed, 5000, 'stream closed with its stand-in');
});

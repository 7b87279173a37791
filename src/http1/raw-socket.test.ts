/**
 * RawSocket on real loopback connections (accepted through raw-accept.ts): reads, EOF, writes with
 * their callbacks, cork, backpressure and 'drain', FIN, destroySoon, resets, addresses, and handing
 * the handle to a net.Socket (socket-around.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { acceptRaw } from './raw-accept.js';
import type { RawSocket } from './raw-socket.js';
import { socketAround } from './socket-around.js';

interface Pair {
  readonly server: RawSocket;
  readonly client: net.Socket;
}

/** A listener accepting RawSockets, and one connected client. */
async function pair(t: TestContext): Promise<Pair> {
  const listener = net.createServer();
  const accepted: RawSocket[] = [];
  let wake: (() => void) | null = null;
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  assert.ok(
    acceptRaw(listener, true, (s) => {
      accepted.push(s);
      wake?.();
    }),
    'this node lets the engine accept raw handles',
  );
  const addr = listener.address();
  const client = net.connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
  client.on('error', () => undefined);
  if (accepted.length === 0) await new Promise<void>((r) => (wake = r));
  const server = accepted[0];
  assert.ok(server);
  server.on('error', () => undefined);
  t.after(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

function collect(socket: net.Socket): () => string {
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString('latin1')));
  return () => text;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('reads arrive in the shared buffer only after resume(), pause() stops them, EOF is end', async (t) => {
  const { server, client } = await pair(t);
  let got = '';
  server.setReader((n, buf) => (got += buf.toString('latin1', 0, n)));
  client.write('early');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got, '', 'nothing is read before resume()');
  assert.equal(server.isPaused(), true);
  server.resume();
  await until(() => got === 'early', 'the first read');
  server.pause();
  client.write('later');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got, 'early', 'paused: not read');
  const ended = once(server, 'end');
  server.resume();
  client.end();
  await ended;
  assert.equal(got, 'earlylater');
  assert.equal(server.readableEnded, true);
});

test('writes: latin1 strings and buffers in order, callbacks after the bytes are out (never inside write)', async (t) => {
  const { server, client } = await pair(t);
  const text = collect(client);
  const order: string[] = [];
  server.write('one ', 'latin1', () => order.push('one'));
  order.push('after write');
  server.write(Buffer.from('two '), () => order.push('two'));
  server.write('dr\u00e9i', 'latin1', () => order.push('three'));
  await until(() => order.length === 4, 'the callbacks');
  assert.deepEqual(order, ['after write', 'one', 'two', 'three']);
  await until(() => text() === 'one two dr\u00e9i', 'the bytes');
  assert.equal(server.writableLength, 0);
});

test('cork / uncork sends one write; a write past the high-water mark returns false and drain follows', async (t) => {
  const { server, client } = await pair(t);
  const text = collect(client);
  server.cork();
  assert.equal(server.write('head ', 'latin1'), true);
  assert.equal(server.writableCorked, 1);
  assert.equal(server.writableLength, 5);
  const big = Buffer.alloc(20 * 1024, 120);
  assert.equal(server.write(big), false, 'more than 16 KiB waiting');
  const drained = once(server, 'drain');
  server.uncork();
  await drained;
  await until(() => text().length === 5 + big.length, 'the corked bytes');
  assert.ok(text().startsWith('head xxx'));
});

test('backpressure: with the client not reading, writes queue, then drain and an empty write wait for them', async (t) => {
  const { server, client } = await pair(t);
  client.pause();
  const chunk = Buffer.alloc(1024 * 1024, 97);
  let ok = true;
  let writes = 0;
  while (ok && writes < 200) {
    ok = server.write(chunk);
    writes++;
  }
  assert.equal(ok, false, 'the kernel buffers filled up');
  assert.ok(server.writableLength > 0);
  const order: string[] = [];
  server.write(Buffer.alloc(0), () => order.push(`empty write done, ${server.writableLength} bytes queued`));
  server.on('drain', () => order.push('drain'));
  let received = 0;
  client.on('data', (b: Buffer) => (received += b.length));
  client.resume();
  await until(() => order.length === 2, 'drain and the empty write');
  assert.deepEqual(order, ['empty write done, 0 bytes queued', 'drain']);
  await until(() => received === writes * chunk.length, 'every byte');
});

test('end() sends FIN after what is queued; the socket closes once the peer has ended too', async (t) => {
  const { server, client } = await pair(t);
  const text = collect(client);
  server.setReader(() => undefined);
  server.resume();
  server.write('bye', 'latin1');
  server.end();
  assert.equal(server.writableEnded, true);
  await once(client, 'end');
  assert.equal(text(), 'bye');
  assert.equal(server.destroyed, false, 'half-open: the peer may still send');
  const closed = once(server, 'close');
  client.end();
  await closed;
  assert.equal(server.destroyed, true);
});

test('destroySoon() closes once what is queued is written; a reset is an error, then close', async (t) => {
  const first = await pair(t);
  const text = collect(first.client);
  first.server.write('last words', 'latin1');
  const closed = once(first.server, 'close');
  first.server.destroySoon();
  await closed;
  await once(first.client, 'end');
  assert.equal(text(), 'last words');

  const second = await pair(t);
  const errors: string[] = [];
  second.server.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? ''));
  second.server.setReader(() => undefined);
  second.server.resume();
  // (events.once would reject on the 'error' that comes first)
  const closedToo = new Promise<boolean>((resolve) => second.server.on('close', resolve));
  second.client.resetAndDestroy();
  const hadError = await closedToo;
  assert.deepEqual(errors, ['ECONNRESET']);
  assert.equal(hadError, true);
});

test('addresses are the peer and local ends of the connection', async (t) => {
  const { server, client } = await pair(t);
  await once(client, 'connect').catch(() => undefined);
  assert.equal(server.remoteAddress, '127.0.0.1');
  assert.equal(server.remotePort, client.localPort);
  assert.equal(server.localAddress, '127.0.0.1');
  assert.equal(server.localPort, client.remotePort);
});

test('detach() hands the handle to a net.Socket that reads ("data" copies) and writes it; the RawSocket lets go', async (t) => {
  const { server, client } = await pair(t);
  const text = collect(client);
  let rawReads = 0;
  server.setReader(() => rawReads++);
  server.resume();
  client.write('for the raw socket');
  await until(() => rawReads === 1, 'the raw read');
  const handle = server.detach();
  assert.ok(handle);
  assert.equal(server.handle, null);
  assert.equal(server.detach(), null, 'only once');
  const socket = socketAround(handle, null, false);
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (b: Buffer) => chunks.push(b));
  client.write('for the net.Socket');
  await until(() => Buffer.concat(chunks).toString() === 'for the net.Socket', 'the net.Socket read');
  const first = chunks[0];
  assert.ok(first && first.buffer.byteLength < 64 * 1024, 'each read is its own copy, not the shared buffer');
  assert.equal(rawReads, 1, 'the RawSocket reads no more');
  socket.write('answer');
  await until(() => text() === 'answer', 'the answer');
});

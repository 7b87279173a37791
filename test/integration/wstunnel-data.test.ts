/**
 * The data path (wstunnel.md §5–§6): frame types, base64, UTF-8-safe text frames, fragmented and
 * large messages, early bytes in both directions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { tcpBackend, type OnConnection, type TestBackend } from '../helpers/backends.js';
import { startTunnelServer, type TunnelServer } from '../helpers/tunnel-server.js';
import { openClient } from '../helpers/ws-client.js';
import { waitFor } from '../helpers/wait.js';
import { clientFrame, rawRequest, readBytes, upgradeHead } from '../helpers/ws-raw.js';
import type { Literal } from '../helpers/config-values.js';

async function setup(
  t: { after(fn: () => unknown): void },
  extra: Readonly<Record<string, Literal>> = {},
  onConn?: OnConnection,
): Promise<{ srv: TunnelServer; backend: TestBackend }> {
  const backend = await tcpBackend(onConn);
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: backend.port }] }, ...extra });
  t.after(() => srv.close());
  return { srv, backend };
}

test('frame-type text: binary client messages reach the backend as bytes and come back as text frames', async (t) => {
  const { srv } = await setup(t, { 'wstunnel.frame-type': 'junk' });
  const c = await openClient(`${srv.url}/`);
  c.ws.send(Buffer.from('abc'));
  const r = await c.next();
  assert.equal(r.isBinary, false);
  assert.equal(r.data.toString(), 'abc');
  c.ws.close();
  await c.closed();
});

test('frame-type binary (any case): backend data arrives in binary frames', async (t) => {
  const { srv } = await setup(t, { 'wstunnel.frame-type': 'Binary' });
  const c = await openClient(`${srv.url}/`);
  c.ws.send('text in');
  const r = await c.next();
  assert.equal(r.isBinary, true);
  assert.equal(r.data.toString(), 'text in');
  c.ws.close();
  await c.closed();
});

test('a 4-byte UTF-8 character split over backend reads arrives whole in a valid text frame', async (t) => {
  const emoji = Buffer.from('a😀b'); // 61 f0 9f 98 80 62
  const { srv } = await setup(t, {}, (sock: net.Socket) => {
    sock.setNoDelay(true);
    sock.write(emoji.subarray(0, 3));
    setTimeout(() => sock.write(emoji.subarray(3, 4)), 60);
    setTimeout(() => sock.write(emoji.subarray(4)), 120);
  });
  // the ws client validates UTF-8: a split character would fail the connection with 1007
  const c = await openClient(`${srv.url}/`);
  const got = await c.collect(emoji.length);
  assert.equal(got.toString(), 'a😀b');
  assert.ok(c.received.every((r) => !r.isBinary));
  assert.equal(c.received[0]?.data.toString(), 'a', 'the complete part goes out at once');
  c.ws.close();
  await c.closed();
});

test('binary sub-protocol: bytes that are not UTF-8 pass untouched', async (t) => {
  const { srv } = await setup(t);
  const c = await openClient(`${srv.url}/`, 'binary');
  const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xf0, 0x9f]);
  c.ws.send(bytes);
  assert.deepEqual(await c.collect(bytes.length), bytes);
  c.ws.close();
  await c.closed();
});

test('base64 sub-protocol: backend bytes are base64 text frames, client text is decoded', async (t) => {
  const seen: Buffer[] = [];
  const { srv } = await setup(t, { 'wstunnel.frame-type': 'binary' }, (sock) => {
    sock.on('data', (d: Buffer) => {
      seen.push(d);
      sock.write(Buffer.from([0, 1, 2, 255]));
    });
  });
  const c = await openClient(`${srv.url}/`, 'base64');
  assert.equal(c.ws.protocol, 'base64');
  c.ws.send(Buffer.from('hello').toString('base64'));
  const r = await c.next();
  assert.equal(r.isBinary, false);
  assert.equal(r.data.toString(), Buffer.from([0, 1, 2, 255]).toString('base64'));
  assert.equal(Buffer.concat(seen).toString(), 'hello');
  c.ws.send('not base64!');
  assert.equal((await c.closed()).code, 1007);
});

test('base64 sub-protocol: a message is decoded as it arrives, not held until its last fragment', async (t) => {
  const seen: Buffer[] = [];
  const { srv } = await setup(t, {}, (sock) => sock.on('data', (d: Buffer) => seen.push(d)));
  const received = (): number => seen.reduce((n, b) => n + b.length, 0);
  const c = await openClient(`${srv.url}/`, 'base64');
  const first = randomBytes(3 * 4096);
  c.ws.send(first.toString('base64'), { fin: false });
  // the message is not finished: its first fragment's bytes reach the backend all the same
  await waitFor(() => received() >= first.length, 5000, 'the first fragment’s bytes at the backend');
  assert.deepEqual(Buffer.concat(seen), first);
  c.ws.send(Buffer.from('end').toString('base64'), { fin: true });
  await waitFor(() => received() === first.length + 3, 5000, 'the last fragment’s bytes at the backend');
  assert.deepEqual(Buffer.concat(seen).subarray(first.length), Buffer.from('end'));
  c.ws.close();
  await c.closed();
});

test('fragmented client messages are delivered as one byte stream', async (t) => {
  const { srv } = await setup(t);
  const c = await openClient(`${srv.url}/`);
  c.ws.send('frag-', { fin: false });
  c.ws.send('men-', { fin: false });
  c.ws.send('ted', { fin: true });
  assert.equal((await c.collect(12)).toString(), 'frag-men-ted');
  c.ws.close();
  await c.closed();
});

test('raw frames: client bytes pipelined with the handshake are kept; unmasked frames are refused', async (t) => {
  const { srv } = await setup(t);
  const early = clientFrame(1, Buffer.from('early'));
  const r = await rawRequest(srv.port, upgradeHead('/') + early.toString('latin1'));
  assert.equal(r.status, 101);
  const frame = await readBytes(r.socket, 7, r.rest);
  assert.deepEqual(frame, Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('early')]));
  // an unmasked frame is a protocol error: close 1002
  r.socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
  const close = await readBytes(r.socket, 4);
  assert.equal(close[0], 0x88);
  assert.equal(close.readUInt16BE(2), 1002);
  r.socket.destroy();
});

test('backend bytes sent before the 101 are delivered after it', async (t) => {
  const { srv } = await setup(t, {}, (sock) => sock.write('RFB 003.008\n'));
  const c = await openClient(`${srv.url}/`);
  assert.equal((await c.next()).data.toString(), 'RFB 003.008\n');
  c.ws.close();
  await c.closed();
});

test('16 MiB messages both ways arrive intact', async (t) => {
  const { srv } = await setup(t);
  const c = await openClient(`${srv.url}/`, 'binary');
  const big = randomBytes(16 * 1024 * 1024);
  c.ws.send(big);
  const back = await c.collect(big.length, 30000);
  assert.equal(back.length, big.length);
  assert.ok(back.equals(big));
  c.ws.close();
  await c.closed();
});

test('a busy tunnel (its client socket moves to the shared read buffer after a few reads) keeps every byte in order, both ways', async (t) => {
  let backendEnded = false;
  // binary frames: the large message is random bytes (a text frame would have to be valid UTF-8)
  const { srv } = await setup(t, { 'wstunnel.frame-type': 'binary' }, (sock: net.Socket) => {
    sock.on('end', () => {
      backendEnded = true;
      sock.end();
    });
    sock.pipe(sock, { end: false });
  });
  const c = await openClient(`${srv.url}/`);
  // one message at a time: each is its own client read, so the move happens on the way
  for (let i = 0; i < 20; i++) {
    c.ws.send(`message ${i}`);
    assert.equal((await c.next()).data.toString(), `message ${i}`);
  }
  // then a burst of small messages in few reads, and a large one the moved socket reads in pieces
  const burst = Array.from({ length: 50 }, (_, i) => `b${i};`);
  for (const m of burst) c.ws.send(m);
  assert.equal((await c.collect(burst.join('').length)).toString(), burst.join(''));
  const big = randomBytes(3 * 1024 * 1024 + 7);
  c.ws.send(big);
  assert.ok((await c.collect(big.length)).equals(big));
  c.ws.close(4001, 'done');
  assert.deepEqual(await c.closed(), { code: 4001, reason: 'done' });
  const deadline = Date.now() + 3000;
  while (!(backendEnded && srv.module.tunnelCount === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(backendEnded, 'the backend saw EOF');
  assert.equal(srv.module.tunnelCount, 0);
});

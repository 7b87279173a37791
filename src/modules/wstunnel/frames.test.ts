import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { allocFrame, encodeClose, encodeFrame, headerSize, writeFrame, writeHeader } from './frames.js';

/** A connected TCP pair on loopback: `a` writes, `b` is the peer. */
async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; close: () => void }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const a = net.connect(port, '127.0.0.1');
  await once(a, 'connect');
  const [b] = await accepted;
  server.close();
  return {
    a,
    b,
    close: (): void => {
      a.destroy();
      b.destroy();
    },
  };
}

test('headers: 7-bit, 16-bit and 64-bit lengths, FIN set, unmasked', () => {
  assert.deepEqual([...encodeFrame(2, Buffer.from('hi'))], [0x82, 2, 0x68, 0x69]);
  const mid = Buffer.alloc(4);
  writeHeader(mid, 0, 1, 300);
  assert.deepEqual([...mid], [0x81, 126, 0x01, 0x2c]);
  const big = Buffer.alloc(10);
  assert.equal(writeHeader(big, 0, 2, 0x100000000 + 5), 10);
  assert.deepEqual([...big], [0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5]);
  assert.deepEqual([headerSize(125), headerSize(126), headerSize(65535), headerSize(65536)], [2, 4, 4, 10]);
  assert.deepEqual([...encodeClose(null)], [0x88, 0]);
  assert.deepEqual([...encodeClose(1000, 'ok')], [0x88, 4, 0x03, 0xe8, 0x6f, 0x6b]);
  assert.equal(encodeClose(1001, 'x'.repeat(300)).length, 2 + 125, 'a close reason is cut to fit 125 bytes');
});

test('a frame the socket took at once is reused for the next one', async (t) => {
  const { a, b, close } = await socketPair();
  t.after(close);
  b.resume();
  const first = allocFrame(100);
  first.fill(1);
  assert.equal(writeFrame(a, first, true), 0);
  const second = allocFrame(100);
  assert.equal(second.byteOffset, first.byteOffset, 'same memory');
  assert.equal(second, first, 'same place and size: the same Buffer object, no new view');
  second.fill(2);
  writeFrame(a, second, false);
  const third = allocFrame(100);
  assert.notEqual(third.byteOffset, second.byteOffset, 'reuse off: the memory is not handed out again');
  writeFrame(a, third, true);
  // a request-response exchange alternates two sizes at one place: both views are kept
  const ask = allocFrame(32);
  writeFrame(a, ask, true);
  const answer = allocFrame(34);
  assert.equal(answer.byteOffset, ask.byteOffset);
  writeFrame(a, answer, true);
  assert.equal(allocFrame(32), ask, 'the first size again');
  writeFrame(a, ask, true);
  assert.equal(allocFrame(34), answer, 'the second size again');
});

test('frames queued behind a full socket keep their bytes until written', async (t) => {
  const { a, b, close } = await socketPair();
  t.after(close);
  const frames = 400;
  const size = 60 * 1024;
  let queuedAtSomePoint = false;
  for (let i = 0; i < frames; i++) {
    const f = allocFrame(size);
    f.fill(i & 0xff);
    f.writeUInt32BE(i, 0);
    if (writeFrame(a, f, true) > 0) queuedAtSomePoint = true;
  }
  assert.ok(queuedAtSomePoint, 'the peer did not read, so writes had to queue');
  const chunks: Buffer[] = [];
  let got = 0;
  b.on('data', (d: Buffer) => {
    chunks.push(d);
    got += d.length;
  });
  while (got < frames * size) await once(b, 'data');
  const all = Buffer.concat(chunks);
  for (let i = 0; i < frames; i++) {
    const f = all.subarray(i * size, (i + 1) * size);
    assert.equal(f.readUInt32BE(0), i, `frame ${i} in place`);
    assert.ok(f.subarray(4).every((x) => x === (i & 0xff)), `frame ${i} intact`);
  }
});

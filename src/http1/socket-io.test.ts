import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DIRECT_IO, SHARED_READ_BUFFER, shareReads, streamReads, writeDirect } from './socket-io.js';
import { waitFor } from '../../test/helpers/wait.js';
import { acceptedPair } from '../../test/helpers/socket-pair.js';

// Fails when node's internals change under the engine: it then falls back to the stream layer, correct
// but slower (docs/benchmarks-history.md, "Small files: third round").
test('this node lets the engine read and write without the stream layer', () => {
  assert.equal(DIRECT_IO, true);
});

test('shared reads: each read reaches the callback in the shared buffer, EOF still ends the socket, pause stops reading', async (t) => {
  const { accepted, client } = await acceptedPair(t);
  const got: string[] = [];
  let calledOnSocket = false;
  assert.equal(
    shareReads(accepted, function (n, buf) {
      calledOnSocket = this === accepted;
      assert.equal(buf, SHARED_READ_BUFFER);
      got.push(buf.toString('latin1', 0, n));
      return true;
    }),
    true,
  );
  let dataEvents = 0;
  accepted.on('data', () => dataEvents++);
  let ended = false;
  accepted.on('end', () => (ended = true));
  accepted.resume();
  client.write('one');
  await waitFor(() => got.join('') === 'one', 5000, 'first read');
  assert.equal(calledOnSocket, true, 'the callback runs with the socket as this');
  accepted.pause();
  client.write('two');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(got.join(''), 'one', 'nothing is read while paused');
  accepted.resume();
  await waitFor(() => got.join('') === 'onetwo', 5000, 'read after resume');
  client.end();
  await waitFor(() => ended, 5000, "'end' after the peer's FIN");
  assert.equal(dataEvents, 0);
});

test('a socket that reads already, or is not a plain net.Socket, is left alone', async (t) => {
  const { accepted } = await acceptedPair(t);
  accepted.resume();
  await new Promise((r) => setImmediate(r));
  assert.equal(
    shareReads(accepted, () => true),
    false,
  );
  class Sub extends net.Socket {}
  assert.equal(
    shareReads(new Sub(), () => true),
    false,
  );
});

test("streamReads: the socket emits copies as 'data' again, with the Readable's flow control", async (t) => {
  const { accepted, client } = await acceptedPair(t);
  const got: string[] = [];
  shareReads(accepted, (n, buf) => {
    got.push(buf.toString('latin1', 0, n));
    return true;
  });
  accepted.resume();
  client.write('shared');
  await waitFor(() => got.length === 1, 5000, 'shared read');
  accepted.pause();
  streamReads(accepted);
  const chunks: Buffer[] = [];
  accepted.on('data', (d: Buffer) => chunks.push(d));
  accepted.resume();
  client.write('streamed');
  await waitFor(() => Buffer.concat(chunks).toString() === 'streamed', 5000, "'data' after the switch");
  assert.deepEqual(got, ['shared']);
  const first = chunks[0];
  assert.ok(first);
  assert.notEqual(first.buffer, SHARED_READ_BUFFER.buffer, 'a copy, not the shared buffer');
});

test('writeDirect: taken at once, or completed later in order when the peer reads slowly; falls back while the Writable holds bytes', async (t) => {
  const { accepted, client } = await acceptedPair(t);
  assert.equal(
    writeDirect(accepted, 'hello ', () => assert.fail('no completion for a write taken at once')),
    'sync',
  );
  // the client does not read: the kernel buffers fill and a write goes asynchronous
  client.pause();
  const big = 'x'.repeat(256 * 1024);
  let sent = 6;
  let status: number | null = null;
  for (let i = 0; i < 200 && status === null; i++) {
    const r = writeDirect(accepted, big, (s) => (status = s));
    sent += big.length;
    if (r === 'async') {
      status = -1000; // pending marker
      break;
    }
    assert.equal(r, 'sync');
  }
  assert.equal(status, -1000, 'a write went asynchronous');
  status = null;
  // the Writable path while the direct write is pending goes behind it (libuv keeps the order)
  accepted.write('tail');
  assert.equal(
    writeDirect(accepted, 'never', () => undefined),
    'queued-path',
    'bytes in the Writable: no direct write',
  );
  let received = 0;
  let last = '';
  client.on('data', (d: Buffer) => {
    received += d.length;
    last = (last + d.toString('latin1')).slice(-10);
  });
  client.resume();
  await waitFor(() => received === sent + 4, 5000, 'all bytes');
  assert.equal(status, 0);
  assert.ok(last.endsWith('xxxxxxtail'), last);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { relay } from './tunnel.js';

/** Two connected loopback socket pairs: [outerA, innerA] and [innerB, outerB]; the relay joins the inner ends. */
async function pair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [b] = (await once(server, 'connection')) as [net.Socket];
  await once(a, 'connect');
  server.close();
  return [a, b];
}

async function relayed(): Promise<{ client: net.Socket; backend: net.Socket; done: Promise<void> }> {
  const [client, clientInner] = await pair();
  const [backendInner, backend] = await pair();
  const done = new Promise<void>((resolve) => relay(clientInner, backendInner, resolve));
  return { client, backend, done };
}

async function readAll(s: net.Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  s.on('data', (c: Buffer) => parts.push(c));
  await once(s, 'end');
  return Buffer.concat(parts);
}

test('bytes go both ways untouched; backend EOF flushes then closes the client', async () => {
  const { client, backend, done } = await relayed();
  const got = readAll(client);
  const toBackend: Buffer[] = [];
  backend.on('data', (c: Buffer) => toBackend.push(c));
  client.write(Buffer.from([0x81, 0x85, 1, 2, 3, 4]));
  await new Promise((r) => setTimeout(r, 20));
  backend.end(Buffer.from([0x88, 0x04, 0x31, 0x30, 0x30, 0x30]));
  assert.deepEqual(await got, Buffer.from([0x88, 0x04, 0x31, 0x30, 0x30, 0x30]));
  await done;
  assert.deepEqual(Buffer.concat(toBackend), Buffer.from([0x81, 0x85, 1, 2, 3, 4]));
  client.destroy();
  backend.destroy();
});

test('client FIN tears the tunnel down: the backend sees EOF', async () => {
  const { client, backend, done } = await relayed();
  const got = readAll(backend);
  client.end('bye');
  assert.equal((await got).toString(), 'bye');
  await done;
  client.destroy();
  backend.destroy();
});

test('8 MiB each way with backpressure arrives intact', async () => {
  const { client, backend, done } = await relayed();
  const big = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
  let atBackend = 0;
  let atClient = 0;
  backend.on('data', (c: Buffer) => {
    atBackend += c.length;
    if (atBackend === big.length) backend.end(big);
  });
  const clientGot: Buffer[] = [];
  client.on('data', (c: Buffer) => {
    clientGot.push(c);
    atClient += c.length;
  });
  const clientEnded = once(client, 'end');
  client.write(big);
  await done;
  // the relay is done once the bytes are handed to the kernel; the client reads them a little later
  await clientEnded;
  assert.equal(atBackend, big.length);
  assert.equal(atClient, big.length);
  assert.deepEqual(Buffer.concat(clientGot), big);
  client.destroy();
  backend.destroy();
});

test('a client silent for the idle limit loses the tunnel even while the backend talks', async () => {
  const [client, clientInner] = await pair();
  const [backendInner, backend] = await pair();
  const started = Date.now();
  const done = new Promise<void>((resolve) => relay(clientInner, backendInner, resolve, 300));
  const talk = setInterval(() => backend.write('tick'), 50);
  client.resume();
  await done;
  clearInterval(talk);
  const took = Date.now() - started;
  assert.ok(took >= 280 && took < 3000, `closed after ${took} ms`);
  client.destroy();
  backend.destroy();
});

test('client bytes keep the tunnel alive past the idle limit', async () => {
  const [client, clientInner] = await pair();
  const [backendInner, backend] = await pair();
  let finished = false;
  const done = new Promise<void>((resolve) =>
    relay(clientInner, backendInner, () => {
      finished = true;
      resolve();
    }, 300),
  );
  backend.resume();
  for (let i = 0; i < 8; i++) {
    client.write('x');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(finished, false);
  client.end();
  await done;
  backend.destroy();
});

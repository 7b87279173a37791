import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BackendResponseError } from './response-reader.js';
import { connOf } from './backend-conn.js';
import { bodyFraming, type ResponseHead } from './response-head.js';

/** A loopback socket whose peer writes `chunks` (then ends, resets or stays open). */
async function socketFed(chunks: readonly (string | Buffer)[], then: 'end' | 'reset' | 'open'): Promise<net.Socket> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    // the peer closes by itself after a while, so no test can hang on an open socket
    setTimeout(() => s.destroy(), 3000).unref();
    for (const c of chunks) s.write(c);
    if (then === 'end') s.end();
    else if (then === 'reset') s.resetAndDestroy();
    server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  sock.on('error', () => undefined);
  return sock;
}

async function bodyOf(sock: net.Socket, method = 'GET'): Promise<{ head: ResponseHead; body: string; interim: number[] }> {
  const interim: number[] = [];
  const conn = connOf(sock);
  const { head, rest } = await conn.readHead((h) => interim.push(h.status));
  const body = conn.readBody(bodyFraming(head, method), rest);
  let text = '';
  for await (const c of body) text += (c as Buffer).toString('latin1');
  sock.destroy();
  return { head, body: text, interim };
}

test('reads interim heads, then a chunked body split across writes', async () => {
  const sock = await socketFed(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n0\r\n\r\n'], 'open');
  const r = await bodyOf(sock);
  assert.deepEqual(r.interim, [100, 103]);
  assert.equal(r.head.status, 200);
  assert.equal(r.body, 'hello');
});

test('Content-Length body: excess bytes are discarded', async () => {
  const sock = await socketFed(['HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef'], 'open');
  assert.equal((await bodyOf(sock)).body, 'abc');
});

test('no length: the body runs until EOF', async () => {
  const sock = await socketFed(['HTTP/1.0 200 OK\r\n\r\nuntil', ' eof'], 'end');
  assert.equal((await bodyOf(sock)).body, 'until eof');
});

test('garbage gives 502, EOF without a response 500, a reset 500', async () => {
  for (const [chunks, then, status] of [
    [['SSH-2.0-OpenSSH_9.2\r\n\r\n'], 'open', 502],
    [['HTTP/1.1 99 Low\r\n\r\n'], 'open', 502],
    [[], 'end', 500],
    [['HTTP/1.1 200 OK\r\nX-Partial'], 'end', 500],
    [[], 'reset', 500],
  ] as const) {
    const sock = await socketFed(chunks, then);
    await assert.rejects(connOf(sock).readHead(() => undefined), (e: unknown) => e instanceof BackendResponseError && e.status === status);
    sock.destroy();
  }
});

test('a head larger than 64 KiB gives 502', async () => {
  const sock = await socketFed([`HTTP/1.1 200 OK\r\nX-Big: ${'x'.repeat(70000)}\r\n\r\n`], 'open');
  await assert.rejects(connOf(sock).readHead(() => undefined), (e: unknown) => e instanceof BackendResponseError && e.status === 502);
  sock.destroy();
});

test('a body cut before Content-Length errors the stream', async () => {
  const sock = await socketFed(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], 'end');
  await assert.rejects(bodyOf(sock), BackendResponseError);
});

test('a connection reads responses in turn; bytes while idle close it', async () => {
  // the peer answers each line it receives with the response that line names
  const answers: Record<string, string> = {
    a: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab',
    b: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ncde\r\n0\r\n\r\n',
    c: 'HTTP/1.1 204 No Content\r\n\r\nunexpected',
  };
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      for (const k of d.toString().split('\n')) if (answers[k]) s.write(answers[k]);
    });
    server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const conn = connOf(sock);
  const read = async (line: string): Promise<{ text: string; clean: boolean }> => {
    sock.write(`${line}\n`);
    const { head, rest } = await conn.readHead(() => undefined);
    const body = conn.readBody(bodyFraming(head, 'GET'), rest);
    let text = '';
    for await (const c of body) text += (c as Buffer).toString('latin1');
    return { text, clean: body.isClean };
  };
  assert.deepEqual(await read('a'), { text: 'ab', clean: true });
  conn.idle();
  assert.deepEqual(await read('b'), { text: 'cde', clean: true });
  conn.idle();
  assert.deepEqual(await read('c'), { text: '', clean: false });
  conn.idle();
  // a backend that talks while nobody asked loses the connection
  sock.write('a\n');
  await new Promise((r) => sock.once('close', r));
  assert.equal(sock.destroyed, true);
});

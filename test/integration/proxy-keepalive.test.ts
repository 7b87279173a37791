/**
 * Backend keep-alive in mod_proxy (src/backend/keepalive.ts, forward.ts) against real backends: a
 * node:http app on TCP and on a unix socket that counts its connections, and raw TCP backends that
 * misbehave on purpose (close a reused connection without answering, HTTP/1.0 answers, extra bytes).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, tempDir } from '../helpers/server.js';

/** One request as a backend saw it, with the number of the connection it came on (0, 1, …). */
interface Seen {
  readonly conn: number;
  readonly method: string;
  readonly url: string;
  readonly connection: string;
}

interface CountingBackend {
  readonly port: number;
  readonly seen: Seen[];
  /** Server-side ends of every accepted connection, in accept order. */
  readonly conns: net.Socket[];
}

/** A node:http app that numbers its connections; `answer` may customise the response. */
async function httpBackend(t: TestContext, opts: { socketPath?: string; answer?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {}): Promise<CountingBackend> {
  const seen: Seen[] = [];
  const conns: net.Socket[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ conn: conns.indexOf(req.socket), method: req.method ?? '', url: req.url ?? '', connection: req.headers.connection ?? '' });
      if (opts.answer) opts.answer(req, res);
      else res.end(`${req.method ?? ''} ${req.url ?? ''}`);
    });
  });
  server.on('connection', (c: net.Socket) => conns.push(c));
  await new Promise<void>((resolve) => {
    if (opts.socketPath) server.listen(opts.socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: opts.socketPath ? 0 : (server.address() as net.AddressInfo).port, seen, conns };
}

/**
 * A raw TCP backend: for each complete request head (bodies by Content-Length are skipped) it calls
 * `answer(socket, head, connIndex, requestIndexOnConn)`.
 */
async function rawBackend(t: TestContext, answer: (s: net.Socket, head: string, conn: number, nth: number) => void): Promise<CountingBackend> {
  const seen: Seen[] = [];
  const conns: net.Socket[] = [];
  const server = net.createServer((s) => {
    const conn = conns.push(s) - 1;
    s.on('error', () => undefined);
    let buf = '';
    let nth = 0;
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0');
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        const [method = '', url = ''] = head.split(' ');
        seen.push({ conn, method, url, connection: /\r\nconnection: *([^\r]*)/i.exec(head)?.[1] ?? '' });
        answer(s, head, conn, nth++);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const c of conns) c.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, seen, conns };
}

function proxyTo(port: number, extra = ''): string {
  return `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )\n${extra}`;
}

async function get(port: number, path: string, method = 'GET', body = ''): Promise<{ status: number; body: string }> {
  const len = method === 'GET' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  const r = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: h\r\n${len}Connection: close\r\n\r\n${body}`);
  const res = r.responses[0];
  return { status: res?.status ?? 0, body: res?.body.toString() ?? '' };
}

const ok = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

test('keep-alive: sequential requests share one backend connection, on TCP and on a unix socket', async (t) => {
  const tcp = await httpBackend(t);
  const sock = join(tempDir(t, 'tsw-ka-'), 'app.sock');
  const unix = await httpBackend(t, { socketPath: sock });
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.server = ( "/u/" => ( ( "socket" => "${sock}" ) ), "" => ( ( "host" => "127.0.0.1", "port" => ${tcp.port} ) ) )\n`,
  );
  for (let i = 0; i < 20; i++) {
    assert.deepEqual(await get(srv.port, `/t${i}`), { status: 200, body: `GET /t${i}` });
    assert.deepEqual(await get(srv.port, `/u/${i}`), { status: 200, body: `GET /u/${i}` });
  }
  assert.equal(tcp.seen.length, 20);
  assert.equal(tcp.conns.length, 1, 'one TCP connection for 20 requests');
  assert.equal(unix.conns.length, 1, 'one unix-socket connection for 20 requests');
  assert.ok(tcp.seen.every((s) => s.connection === 'keep-alive'));
  // concurrent requests need several connections, which are kept for the next round
  const round = (): Promise<unknown> => Promise.all(Array.from({ length: 8 }, (_, i) => get(srv.port, `/c${i}`)));
  await round();
  const after = tcp.conns.length;
  assert.ok(after <= 8, `${after} connections`);
  await round();
  await round();
  assert.equal(tcp.conns.length, after, 'later rounds reuse the kept connections');
});

test('keep-alive: bodies are read to their end before reuse (chunked, Content-Length, HEAD, 204)', async (t) => {
  const big = 'x'.repeat(300_000);
  const be = await httpBackend(t, {
    answer: (req, res) => {
      if (req.url === '/chunked') {
        res.write('a'.repeat(70_000));
        res.end('b'.repeat(70_000));
      } else if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/big') res.end(big);
      else res.end(`${req.method ?? ''} ${req.url ?? ''}`);
    },
  });
  const srv = await startTestServer(t, proxyTo(be.port));
  for (let i = 0; i < 3; i++) {
    const c = await get(srv.port, '/chunked');
    assert.equal(c.body, `${'a'.repeat(70_000)}${'b'.repeat(70_000)}`);
    assert.equal((await get(srv.port, '/big')).body, big);
    assert.equal((await get(srv.port, '/204')).status, 204);
    const h = await rawRequest(srv.port, 'HEAD /small HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n', { head: [true] });
    assert.equal(h.responses[0]?.status, 200);
    assert.equal((await get(srv.port, '/small')).body, 'GET /small');
  }
  assert.equal(be.seen.length, 15);
  assert.equal(be.conns.length, 1);
});

test('keep-alive: no reuse after Connection: close, an HTTP/1.0 answer, bytes past Content-Length, a close-delimited body, or force-http10', async (t) => {
  const be = await rawBackend(t, (s, head) => {
    const url = head.split(' ')[1] ?? '';
    if (url === '/close') s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    else if (url === '/http10') s.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    else if (url === '/excess') s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
    else if (url === '/eof') s.end('HTTP/1.1 200 OK\r\n\r\nok');
    else s.write(ok('ok'));
  });
  const srv = await startTestServer(t, proxyTo(be.port, '$HTTP["url"] =^ "/h10/" {\n  proxy.header = ( "force-http10" => "enable" )\n}\n'));
  const paths = ['/close', '/http10', '/excess', '/eof', '/h10/x'];
  for (const path of paths) {
    assert.deepEqual(await get(srv.port, path), { status: 200, body: 'ok' }, path);
    assert.deepEqual(await get(srv.port, '/plain'), { status: 200, body: 'ok' }, `after ${path}`);
  }
  for (const path of paths) {
    const i = be.seen.findIndex((s) => s.url === path);
    const conn = be.seen[i]?.conn;
    assert.deepEqual(
      be.seen.slice(i + 1).filter((s) => s.conn === conn),
      [],
      `${path}: its connection served nothing after it`,
    );
  }
  // an ordinary answer keeps its connection: each /plain went out on the connection the one before used
  // unless that one was closed, so there are fewer connections than requests
  assert.ok(be.conns.length < be.seen.length, `${be.conns.length} connections for ${be.seen.length} requests`);
  assert.equal(be.seen.find((s) => s.url === '/h10/x')?.connection, 'close');
});

test('keep-alive: a GET on a reused connection the backend closed is sent again on a new one; a POST never goes out on a reused one', async (t) => {
  // every connection answers its first request and closes without answering the second
  const be = await rawBackend(t, (s, _head, _conn, nth) => {
    if (nth === 0) s.write(ok('first'));
    else s.destroy();
  });
  const srv = await startTestServer(t, proxyTo(be.port, 'proxy.debug = 1\n'));
  assert.deepEqual(await get(srv.port, '/a'), { status: 200, body: 'first' });
  assert.deepEqual(await get(srv.port, '/b'), { status: 200, body: 'first' });
  assert.deepEqual(
    be.seen.map((s) => `${s.conn} ${s.method} ${s.url}`),
    ['0 GET /a', '0 GET /b', '1 GET /b'],
    'the GET went out on the kept connection, then once more on a new one',
  );
  assert.match(srv.stderr(), /reused connection to tcp:127\.0\.0\.1:\d+ closed before a response; GET \/b sent again on a new connection/);
  // connection 1 is kept now; a POST must not take it
  assert.deepEqual(await get(srv.port, '/p', 'POST', 'data'), { status: 200, body: 'first' });
  assert.deepEqual(be.seen.at(-1), { conn: 2, method: 'POST', url: '/p', connection: 'keep-alive' });
  assert.equal(be.seen.filter((s) => s.method === 'POST').length, 1);
});

test('keep-alive: a POST whose connection closes without an answer is not sent again', async (t) => {
  const be = await rawBackend(t, (s) => s.destroy());
  const srv = await startTestServer(t, proxyTo(be.port));
  const r = await get(srv.port, '/p', 'POST', 'data');
  assert.equal(r.status, 500);
  assert.deepEqual(
    be.seen.map((s) => `${s.conn} ${s.method}`),
    ['0 POST'],
  );
});

test('keep-alive: a backend closing idle connections is noticed; idle connections are not load for least-connection', async (t) => {
  const a = await httpBackend(t);
  const b = await httpBackend(t);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.debug = 1\nproxy.balance = "least-connection"\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${a.port} ), ( "host" => "127.0.0.1", "port" => ${b.port} ) ) )\n`,
  );
  // sequential requests: no load anywhere, so lighttpd's least-connection takes the first host each time
  for (let i = 0; i < 5; i++) await get(srv.port, `/s${i}`);
  assert.equal(a.seen.length, 5);
  assert.equal(b.seen.length, 0, 'the kept connection to host a is not load');
  assert.equal(a.conns.length, 1);
  const [first] = a.conns;
  assert.ok(first);
  first.end();
  await once(first, 'close');
  assert.deepEqual(await get(srv.port, '/after'), { status: 200, body: 'GET /after' });
  assert.equal(a.conns.length, 2);
  assert.equal(a.seen.at(-1)?.conn, 1);
  assert.doesNotMatch(srv.stderr(), /sent again/, 'the closed connection was dropped from the pool, not tried');
});

test('keep-alive: shutdown closes idle backend connections', async (t) => {
  const be = await httpBackend(t);
  const srv = await startTestServer(t, proxyTo(be.port));
  await Promise.all(Array.from({ length: 3 }, (_, i) => get(srv.port, `/x${i}`)));
  assert.ok(be.conns.length >= 1);
  const closed = be.conns.map((c) => (c.destroyed ? Promise.resolve() : once(c, 'close')));
  await srv.server.close();
  await Promise.all(closed);
  assert.ok(be.conns.every((c) => c.destroyed));
});

test('keep-alive: the backend\'s Keep-Alive header answers our keep-alive and is not passed on; to a request sent with close it is (as lighttpd)', async (t) => {
  const be = await rawBackend(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\nX-After: 1\r\n\r\nok'));
  const srv = await startTestServer(t, proxyTo(be.port, '$HTTP["url"] =^ "/h10/" {\n  proxy.header = ( "force-http10" => "enable" )\n}\n'));
  const headOf = async (path: string): Promise<string> => {
    const r = await rawRequest(srv.port, `GET ${path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
    const res = r.responses[0];
    assert.equal(res?.status, 200, path);
    return r.raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
  };
  const kept = await headOf('/a');
  assert.doesNotMatch(kept, /^keep-alive:/im, 'sent with keep-alive: the header is about our hop');
  assert.match(kept, /^X-After: 1$/m);
  const closed = await headOf('/h10/b');
  assert.match(closed, /^Keep-Alive: timeout=5$/m, 'sent with close (lighttpd always does): passed on');
  assert.equal(be.seen.find((s) => s.url === '/a')?.connection, 'keep-alive');
  assert.equal(be.seen.find((s) => s.url === '/h10/b')?.connection, 'close');
});

/**
 * mod_proxy when backends fail (proxy.md §6.4, backends.md §7): refused, failover with disable-time,
 * garbage, silent closes, resets, read-timeout. The server must answer lighttpd's status and keep
 * serving.
 */
import { test } from 'node:test';
import net from 'node:net';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { closedPort } from '../helpers/backends.js';
import { startHttpBackend, startRawBackend, type Backend } from '../helpers/proxy-backends.js';

async function statusOf(port: number, path: string): Promise<number | undefined> {
  const r = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`, { timeoutMs: 8000 });
  return r.responses[0]?.status;
}

test('a refused backend is 503; failover to the next host, which stays in use during disable-time', async (t) => {
  const good = await startHttpBackend();
  t.after(() => good.close());
  const dead = await closedPort();
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )
proxy.server = ( "/only/" => ( ( "host" => "127.0.0.1", "port" => ${dead} ) ),
                 "/two/" => ( ( "host" => "127.0.0.1", "port" => ${dead}, "disable-time" => 5 ), ( "host" => "127.0.0.1", "port" => ${good.port} ) ) )
`,
  );
  const r = await rawRequest(srv.port, 'GET /only/x HTTP/1.1\r\nHost: h\r\n\r\n', { timeoutMs: 1000 });
  assert.equal(r.responses[0]?.status, 503);
  assert.equal(r.responses[0]?.header('content-length'), '361');
  assert.equal(r.closed, false, '503 keeps the connection alive');
  for (let i = 0; i < 3; i++) assert.equal(await statusOf(srv.port, `/two/${i}`), 200);
  assert.equal(good.requests.length, 3);
  const refusals = srv.stderr().match(new RegExp(`establishing connection failed: socket: tcp:127\\.0\\.0\\.1:${dead}`, 'g')) ?? [];
  // the /only/ request plus one failover; the disabled host is not tried again within disable-time
  assert.equal(refusals.length, 2, srv.stderr());
});

function raw(t: { after(fn: () => Promise<void>): void }, answer: Parameters<typeof startRawBackend>[0]): Promise<Backend> {
  return startRawBackend(answer).then((b) => {
    t.after(() => b.close());
    return b;
  });
}

test('garbage is 502, silence-then-close 500, reset 500, partial head 500, huge head 502; the server keeps serving', async (t) => {
  const garbage = await raw(t, (s) => s.end('SSH-2.0-OpenSSH_9.2p1\r\n\r\n'));
  const lowStatus = await raw(t, (s) => s.end('HTTP/1.1 99 Odd\r\n\r\n'));
  const fin = await raw(t, (s) => s.end());
  const reset = await raw(t, (s) => s.resetAndDestroy());
  const partial = await raw(t, (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/pl'));
  const huge = await raw(t, (s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(70000)}\r\n\r\n`));
  const bin = await raw(t, (s) => s.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10])));
  const ok = await startHttpBackend();
  t.after(() => ok.close());
  const host = (b: Backend): string => `( ( "host" => "127.0.0.1", "port" => ${b.port} ) )`;
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )
proxy.server = ( "/garbage" => ${host(garbage)}, "/low" => ${host(lowStatus)}, "/fin" => ${host(fin)}, "/reset" => ${host(reset)},
                 "/partial" => ${host(partial)}, "/huge" => ${host(huge)}, "/bin" => ${host(bin)}, "/ok" => ${host(ok)} )
`,
  );
  const expected: Record<string, number> = { '/garbage': 502, '/low': 502, '/fin': 500, '/reset': 500, '/partial': 500, '/huge': 502, '/bin': 502, '/ok': 200 };
  for (const [p, status] of Object.entries(expected)) assert.equal(await statusOf(srv.port, p), status, p);
  assert.match(srv.stderr(), /invalid HTTP status line/);
});

test('read-timeout before the response is 504; a body cut short closes the client connection', async (t) => {
  const silent = await raw(t, () => undefined);
  const cut = await raw(t, (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )
proxy.server = ( "/silent" => ( ( "host" => "127.0.0.1", "port" => ${silent.port}, "read-timeout" => 1 ) ),
                 "/cut" => ( ( "host" => "127.0.0.1", "port" => ${cut.port} ) ) )
`,
  );
  const started = Date.now();
  assert.equal(await statusOf(srv.port, '/silent'), 504);
  assert.ok(Date.now() - started >= 900, 'answered before the read-timeout');
  const r = await rawRequest(srv.port, 'GET /cut HTTP/1.1\r\nHost: h\r\n\r\n', { timeoutMs: 3000 });
  assert.equal(r.closed, true);
  assert.match(r.raw.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nonly this$/);
});

test('clients that vanish mid-upload or mid-download free the backend connection; the server keeps serving', async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )\n`);
  const down = net.connect(srv.port, '127.0.0.1');
  down.write(`GET /big?bytes=${200 * 1024 * 1024} HTTP/1.1\r\nHost: h\r\n\r\n`);
  await once(down, 'data');
  down.destroy();
  const up = net.connect(srv.port, '127.0.0.1');
  up.write(`POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`);
  up.write(Buffer.alloc(1024 * 1024));
  await new Promise((r) => setTimeout(r, 200));
  up.destroy();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await statusOf(srv.port, '/after'), 200);
  assert.ok(be.requests.some((r) => r.url === '/after'));
});

test('write-timeout: a backend that stops reading the request body gives 504', async (t) => {
  const stuck = await raw(t, (s) => s.pause());
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${stuck.port}, "write-timeout" => 1 ) ) )\n`,
  );
  const size = 32 * 1024 * 1024;
  const sock = net.connect(srv.port, '127.0.0.1');
  t.after(() => sock.destroy());
  sock.on('error', () => undefined);
  sock.write(`POST /stuck HTTP/1.1\r\nHost: h\r\nContent-Length: ${size}\r\n\r\n`);
  sock.write(Buffer.alloc(size));
  let got = '';
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(got.slice(0, 200))}`)), 15_000);
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  assert.match(got, /^HTTP\/1\.1 504 /);
  assert.ok(Date.now() - started >= 900, 'answered before the write-timeout');
  assert.match(srv.stderr(), /write timeout on socket/);
});

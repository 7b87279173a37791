import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { HttpResponse, type ResponseOwner } from './response.js';
import { HeaderTemplate } from './header-template.js';

interface Outcome {
  readonly wire: string;
  readonly keepAlive: boolean | null;
  readonly events: string[];
}

/** Runs `scenario` on the server side of a real loopback connection; returns what the client received. */
async function onWire(opts: { version?: 'HTTP/1.0' | 'HTTP/1.1'; isHead?: boolean; bodyComplete?: boolean }, scenario: (res: HttpResponse) => void | Promise<void>): Promise<Outcome> {
  const events: string[] = [];
  let keepAlive: boolean | null = null;
  const server = createServer((socket: Socket) => {
    const owner: ResponseOwner = {
      socket,
      bodyComplete: () => opts.bodyComplete ?? true,
      responseStarted: () => events.push('started'),
      wrote: () => undefined,
      responseDone: (_res, ka) => {
        keepAlive = ka;
        events.push('done');
        socket.end();
      },
      abort: () => socket.destroy(),
      endCallback: (err) => res.ended(err ?? null),
      directDone: (status) => res.ended(status < 0 ? new Error('write failed') : null),
      flushedNow: (r) => queueMicrotask(() => r.ended(null)),
    };
    const res: HttpResponse = new HttpResponse(socket, owner, opts.version ?? 'HTTP/1.1', true, opts.isHead ?? false);
    res.serverTag = 'tsw';
    socket.on('drain', () => res.drained());
    res.on('finish', () => events.push('finish'));
    res.on('close', () => events.push('close'));
    void scenario(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const client = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  await once(client, 'close');
  server.close();
  const wire = Buffer.concat(chunks).toString('latin1').replace(/\r\nDate: [^\r]*/, '');
  return { wire, keepAlive, events };
}

test('a body given whole to end() gets its Content-Length, in one write with the head', async () => {
  const r = await onWire({}, (res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('hello');
  });
  assert.equal(r.wire, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nServer: tsw\r\n\r\nhello');
  assert.equal(r.keepAlive, true);
  assert.deepEqual(r.events, ['started', 'finish', 'done', 'close']);
});

test('latin1 strings are sent byte for byte (whole, and chunked); utf8 strings are encoded', async () => {
  const whole = await onWire({}, (res) => {
    res.end('caf\xe9', 'latin1');
  });
  assert.ok(whole.wire.endsWith('Content-Length: 4\r\nServer: tsw\r\n\r\ncaf\xe9'));
  const chunked = await onWire({}, (res) => {
    res.write('ab', 'latin1');
    res.end('\xff', 'latin1');
  });
  assert.ok(chunked.wire.endsWith('\r\n\r\n2\r\nab\r\n1\r\n\xff\r\n0\r\n\r\n'));
  const utf8 = await onWire({}, (res) => {
    res.end('caf\xe9');
  });
  assert.ok(utf8.wire.endsWith('Content-Length: 5\r\nServer: tsw\r\n\r\ncaf\xc3\xa9'));
});

test('writes before end: chunked for HTTP/1.1, close-delimited for HTTP/1.0', async () => {
  const write = (res: HttpResponse): void => {
    res.writeHead(200, { 'X-A': '1' });
    res.write('ab');
    res.write(Buffer.from('cde'));
    res.end('f');
  };
  const v11 = await onWire({}, write);
  assert.equal(v11.wire, 'HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nServer: tsw\r\n\r\n2\r\nab\r\n3\r\ncde\r\n1\r\nf\r\n0\r\n\r\n');
  assert.equal(v11.keepAlive, true);
  const v10 = await onWire({ version: 'HTTP/1.0' }, write);
  assert.equal(v10.wire, 'HTTP/1.0 200 OK\r\nX-A: 1\r\nConnection: close\r\nServer: tsw\r\n\r\nabcdef');
  assert.equal(v10.keepAlive, false);
});

test('HEAD, 204 and 304 carry no body; HEAD with a whole body still announces its length', async () => {
  const head = await onWire({ isHead: true }, (res) => {
    res.end('hello');
  });
  assert.equal(head.wire, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: tsw\r\n\r\n');
  const noContent = await onWire({}, (res) => {
    res.writeHead(204);
    res.end('x');
  });
  assert.equal(noContent.wire, 'HTTP/1.1 204 No Content\r\nServer: tsw\r\n\r\n');
  const notModified = await onWire({}, (res) => {
    res.setHeader('ETag', '"1"');
    res.writeHead(304);
    res.end();
  });
  assert.equal(notModified.wire, 'HTTP/1.1 304 Not Modified\r\nETag: "1"\r\nServer: tsw\r\n\r\n');
});

test('keep-alive ends when the request body was not read, or the body is shorter than its Content-Length', async () => {
  const unread = await onWire({ bodyComplete: false }, (res) => {
    res.end('x');
  });
  assert.match(unread.wire, /\r\nConnection: close\r\n/);
  assert.equal(unread.keepAlive, false);
  const short = await onWire({}, (res) => {
    res.setHeader('Content-Length', 10);
    res.end('abc');
  });
  assert.equal(short.keepAlive, false);
  assert.ok(short.wire.endsWith('\r\n\r\nabc'));
  const long = await onWire({}, (res) => {
    res.setHeader('Content-Length', 2);
    res.write('abc');
    res.end('def');
  });
  assert.ok(long.wire.endsWith('\r\n\r\nab'));
});

test('the response-start hook runs once at commit; headers set after the head are ignored', async () => {
  const r = await onWire({}, (res) => {
    let runs = 0;
    res.hooks = {
      beforeHead: (x) => {
        runs++;
        x.setHeader('X-Hook', String(runs));
        x.statusCode = 201;
      },
      done: () => undefined,
    };
    res.writeHead(200);
    res.setHeader('X-Late', '1');
    res.writeHead(500);
    res.end('');
  });
  assert.equal(r.wire, 'HTTP/1.1 201 Created\r\nX-Hook: 1\r\nContent-Length: 0\r\nServer: tsw\r\n\r\n');
});

test('header names and values are checked like node\'s (no CR/LF injection)', async () => {
  const r = await onWire({}, (res) => {
    assert.throws(() => res.setHeader('X-A', 'a\r\nInjected: 1'), { code: 'ERR_INVALID_CHAR' });
    assert.throws(() => res.setHeader('Bad Name', 'x'), { code: 'ERR_INVALID_HTTP_TOKEN' });
    res.appendHeader('Set-Cookie', 'a=1');
    res.appendHeader('Set-Cookie', 'b=2');
    assert.deepEqual(res.getHeader('set-cookie'), ['a=1', 'b=2']);
    assert.deepEqual(res.getHeaderNames(), ['set-cookie']);
    res.removeHeader('SET-COOKIE');
    assert.equal(res.hasHeader('set-cookie'), false);
    res.end();
  });
  assert.equal(r.wire, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nServer: tsw\r\n\r\n');
});

test('103 Early Hints go out before the head; write returns false under backpressure and drain follows', async () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
  let sawFalse = false;
  let drained = false;
  const r = await onWire({}, async (res) => {
    res.writeEarlyHints({ link: ['</a.css>; rel=preload', '</b.js>; rel=preload'] });
    res.setHeader('Content-Length', big.length * 2);
    if (!res.write(big)) {
      sawFalse = true;
      assert.equal(res.writableNeedDrain, true);
      await once(res, 'drain');
      drained = true;
    }
    res.end(big);
  });
  assert.ok(r.wire.startsWith('HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload, </b.js>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n'));
  assert.equal(r.wire.length - r.wire.indexOf('\r\n\r\n', r.wire.indexOf('HTTP/1.1 200')) - 4, big.length * 2);
  assert.ok(sawFalse && drained);
});

test('destroy drops the connection: close without finish', async () => {
  const r = await onWire({}, (res) => {
    res.write('partial');
    res.destroy();
    assert.equal(res.write('more'), false);
  });
  assert.deepEqual(r.events, ['started', 'close']);
  assert.equal(r.keepAlive, null);
});

test('a header template answers exactly as the same headers set one by one; a change afterwards makes it an ordinary list', async () => {
  const t = new HeaderTemplate(['Content-Type', 'text/plain', 'ETag', '"1"', 'Content-Length', '5']);
  const byHand = await onWire({}, (res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('ETag', '"1"');
    res.setHeader('Content-Length', '5');
    res.end('hello', 'latin1');
  });
  for (let i = 0; i < 2; i++) {
    const r = await onWire({}, (res) => {
      res.setHeaderTemplate(t);
      res.end('hello', 'latin1');
    });
    assert.equal(r.wire, byHand.wire);
  }
  const changed = await onWire({}, (res) => {
    res.setHeaderTemplate(t);
    res.setHeader('X-Added', '1');
    res.removeHeader('ETag');
    res.setHeader('Content-Type', 'text/x-other');
    res.end('hello', 'latin1');
  });
  assert.equal(changed.wire, 'HTTP/1.1 200 OK\r\nContent-Type: text/x-other\r\nContent-Length: 5\r\nX-Added: 1\r\nServer: tsw\r\n\r\nhello');
  // the template itself is untouched by that response's changes
  assert.deepEqual(t.names, ['Content-Type', 'ETag', 'Content-Length']);
  const after = await onWire({ version: 'HTTP/1.0' }, (res) => {
    res.setHeader('X-First', 'a');
    res.setHeaderTemplate(t);
    res.end('hello', 'latin1');
  });
  assert.equal(after.wire, 'HTTP/1.0 200 OK\r\nX-First: a\r\nContent-Type: text/plain\r\nETag: "1"\r\nContent-Length: 5\r\nConnection: keep-alive\r\nServer: tsw\r\n\r\nhello');
});

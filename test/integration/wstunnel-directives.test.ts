/**
 * The remaining directives end to end: wstunnel.debug levels (one line per event, naming the
 * backend or the key), wstunnel.map-extensions, and key matching order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpBackend } from '../helpers/backends.js';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { handshakeStatus, openClient } from '../helpers/ws-client.js';
import { waitFor } from '../helpers/wait.js';

test('wstunnel.debug 0 logs nothing for a normal tunnel; 4 logs each event with the backend name', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const name = `tcp:127.0.0.1:${backend.port}`;
  for (const level of [0, 3, 4]) {
    const srv = await startTunnelServer({ 'wstunnel.server': { '/ws/': [{ host: '127.0.0.1', port: backend.port }] }, 'wstunnel.debug': level });
    t.after(() => srv.close());
    const c = await openClient(`${srv.url}/ws/x?q=1`);
    c.ws.send('hello');
    await c.next();
    c.ws.close();
    await c.closed();
    await waitFor(() => srv.module.tunnelCount === 0, 3000, 'tunnel closed');
    const has = (s: string): boolean => srv.logs.some((l) => l.includes(s));
    if (level === 0) {
      assert.deepEqual(srv.logs, []);
      continue;
    }
    assert.ok(has('wstunnel: WebSocket Version = 13: /ws/x?q=1 (wstunnel.server "/ws/")'), srv.logs.join('\n'));
    assert.ok(has('wstunnel: allowed origins not specified'));
    assert.ok(has(`wstunnel: gw - found a host 127.0.0.1 ${backend.port}`));
    assert.ok(has(`wstunnel: got proc: pid: 0 socket: ${name} load: 1`));
    assert.ok(has(`wstunnel: connect succeeded: ${name}`));
    assert.ok(has(`wstunnel: will recv text data from backend ${name}`));
    assert.ok(has(`wstunnel: released proc: pid: 0 socket: ${name} load: 0`));
    assert.ok(has(`disconnected from client (code=1005), closing backend ${name}`));
    const frames = srv.logs.filter((l) => l.includes('recv data from'));
    if (level === 3) assert.deepEqual(frames, []);
    else {
      assert.ok(has(`wstunnel: recv data from client, size=5, to backend ${name}`));
      assert.ok(has(`wstunnel: recv data from backend ${name}, size=5`));
    }
    assert.ok(
      srv.logs.every((l) => l.includes(name) || l.includes(`127.0.0.1 ${backend.port}`) || l.includes('(wstunnel.server "/ws/")')),
      `every line names the backend or the key:\n${srv.logs.join('\n')}`,
    );
  }
});

test('wstunnel.map-extensions maps a suffix onto an existing key; keys match in config order', async (t) => {
  const a = await tcpBackend((s) => s.write('A'));
  const b = await tcpBackend((s) => s.write('B'));
  t.after(() => a.close());
  t.after(() => b.close());
  const srv = await startTunnelServer({
    'wstunnel.server': {
      '.ws': [{ host: '127.0.0.1', port: a.port }],
      '/l': [{ host: '127.0.0.1', port: b.port }],
    },
    'wstunnel.map-extensions': { '.ws2': '.ws', '.inc': '.nomatch' },
  });
  t.after(() => srv.close());
  const first = async (path: string): Promise<string> => {
    const c = await openClient(`${srv.url}${path}`);
    const m = (await c.next()).data.toString();
    c.ws.close();
    await c.closed();
    return m;
  };
  assert.equal(await first('/x.ws'), 'A');
  assert.equal(await first('/x.ws2'), 'A');
  assert.equal(await first('/lx'), 'B');
  assert.equal(await first('/l/a.ws'), 'A', '".ws" comes first in the list');
  assert.equal(await handshakeStatus(`${srv.url}/x.inc`), 404);
  assert.equal(await handshakeStatus(`${srv.url}/x.ws/extra`), 404);
});

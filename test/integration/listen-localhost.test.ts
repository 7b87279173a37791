/**
 * `server.bind = "localhost"` and `$SERVER["socket"] == "localhost:PORT"` listen on 127.0.0.1, as in
 * lighttpd 1.4.69, whose network.c resolves a bind name in IPv4 only unless `server.use-ipv6` (or
 * brackets) ask for IPv6 (src/server/bind-address.ts). On a Debian host (`::1 localhost` in
 * /etc/hosts) the resolver answers ::1 first when no family is asked for, which is what Node's own
 * lookup in listen() took: clients of 127.0.0.1 (a front proxy, an SSH tunnel) were refused. This
 * machine's /etc/hosts has no ::1 for localhost (bind-name-diff.test.ts runs there), so the resolver
 * here answers as on such a host; the listeners and clients are real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDebianHostsResolver } from '../helpers/debian-resolver.js';
import { httpGet } from '../helpers/http-get.js';
import { startTestServer } from '../helpers/server.js';

test('server.bind = "localhost" and a $SERVER["socket"] on localhost listen on 127.0.0.1, as lighttpd 1.4.69', async (t) => {
  useDebianHostsResolver(t);
  const srv = await startTestServer(
    t,
    `server.bind = "localhost"
$SERVER["socket"] == "localhost:@FREEPORT@" { }
`,
    { files: { 'index.html': 'hello' } },
  );
  assert.deepEqual(
    srv.server.listeners.map((l) => l.address),
    ['127.0.0.1', '127.0.0.1'],
  );
  for (const l of srv.server.listeners) {
    const r = await httpGet(l.port, '/index.html');
    assert.equal(r.status, 200, `${l.token} answers on 127.0.0.1`);
    assert.equal(r.body.toString(), 'hello');
  }
});

test('with server.use-ipv6 = "enable" a bind name is resolved in IPv6, as lighttpd 1.4.69', async (t) => {
  useDebianHostsResolver(t);
  const srv = await startTestServer(t, `server.bind = "localhost"\nserver.use-ipv6 = "enable"\n$SERVER["socket"] == "localhost:@FREEPORT@" { }\n`);
  assert.deepEqual(
    srv.server.listeners.map((l) => l.address),
    ['::1', '::1'],
  );
});

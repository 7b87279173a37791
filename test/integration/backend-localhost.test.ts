/**
 * `"host" => "localhost"` in a `*.server` host is 127.0.0.1, as in lighttpd 1.4.69: its
 * sock_addr_from_str_hints answers exactly that name itself and never asks the resolver
 * (backends.md §2). With Debian's /etc/hosts (`127.0.0.1 localhost` and `::1 localhost …`) glibc's
 * getaddrinfo sorts ::1 first, and so does Node's dns.lookup: tswstunnel used to connect to [::1],
 * so a backend listening on 127.0.0.1 only (a VNC server started with -localhost, the usual echo
 * script) got 503 where lighttpd tunnels. The resolver here answers as on such a host; the
 * backends, the server and the clients are real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { tcpBackend } from '../helpers/backends.js';
import { useDebianHostsResolver } from '../helpers/debian-resolver.js';
import { freePort } from '../helpers/lighttpd.js';
import { httpGet } from '../helpers/http-get.js';
import { startHttpBackend } from '../helpers/proxy-backends.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer } from '../helpers/server.js';
import { openClient } from '../helpers/ws-client.js';

const ECHO = path.join(repoRoot, 'fixtures/backends/echo.mjs');

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('"host" => "localhost" reaches backends on 127.0.0.1 (wstunnel, proxy) and spawns them there, as lighttpd 1.4.69', async (t) => {
  useDebianHostsResolver(t);
  const ws = await tcpBackend();
  const http = await startHttpBackend();
  t.after(() => Promise.all([ws.close(), http.close()]));
  const spawnPort = await freePort();
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_wstunnel", "mod_proxy" )
wstunnel.server = ( "/ws" => ( ( "host" => "localhost", "port" => ${ws.port} ) ),
                    "/spawned" => ( ( "host" => "localhost", "port" => ${spawnPort}, "bin-path" => "${ECHO}", "max-procs" => 1 ) ) )
proxy.server = ( "/p/" => ( ( "host" => "localhost", "port" => ${http.port} ) ) )
`,
  );

  const c = await openClient(`ws://127.0.0.1:${srv.port}/ws`);
  c.ws.send('over 127.0.0.1');
  assert.equal((await c.collect(14)).toString(), 'over 127.0.0.1');
  c.ws.close();
  await c.closed();

  const r = await httpGet(srv.port, '/p/x');
  assert.equal(r.status, 200, 'mod_proxy reaches the backend');

  // the spawned process listens where lighttpd's would: 127.0.0.1:port, not [::1]:port
  assert.equal(await canConnect('127.0.0.1', spawnPort), true, 'spawned backend on 127.0.0.1');
  const s = await openClient(`ws://127.0.0.1:${srv.port}/spawned`);
  s.ws.send('spawned');
  assert.equal((await s.collect(7)).toString(), 'spawned');
  s.ws.close();
  await s.closed();
  assert.doesNotMatch(srv.stderr(), /establishing connection failed/);
});

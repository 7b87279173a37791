/**
 * mod_auth in front of WebSocket tunnels (the noVNC set-up): an upgrade under auth.require without valid
 * credentials gets 401 and never reaches the backend, whether mod_auth is listed before or after
 * mod_wstunnel; with credentials the tunnel opens and carries data. Real sockets, TCP echo backend; and
 * mod_proxy's WebSocket pass-through, whose backend learns the user from `Forwarded: remote_user`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { tcpBackend } from '../helpers/backends.js';
import { rawRequest, upgradeHead } from '../helpers/ws-raw.js';
import { openClient } from '../helpers/ws-client.js';
import { basicAuth, writeUserFiles } from '../helpers/auth-files.js';
import { rawHeader, startWsBackend } from '../helpers/proxy-backends.js';

const ORDERS = [
  ['mod_auth', 'mod_authn_file', 'mod_wstunnel'],
  ['mod_wstunnel', 'mod_auth', 'mod_authn_file'],
] as const;

for (const order of ORDERS) {
  test(`upgrade under auth.require (${order.join(', ')}): 401 without credentials, tunnel with them`, async (t) => {
    const backend = await tcpBackend();
    t.after(() => backend.close());
    const s = await startTestServer(
      t,
      `server.modules = ( ${order.map((m) => `"${m}"`).join(', ')} )
server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "@DIR@/htpasswd"
auth.require = ( "/websockify" => ( "method" => "basic", "realm" => "VNC", "require" => "valid-user" ) )
wstunnel.server = ( "/websockify" => ( ( "host" => "127.0.0.1", "port" => ${backend.port} ) ) )
wstunnel.frame-type = "binary"
`,
    );
    writeUserFiles(s.dir);
    for (const auth of [null, basicAuth('apr1', 'wrong'), 'Basic !!!!']) {
      const r = await rawRequest(s.port, upgradeHead('/websockify', { Authorization: auth }));
      r.socket.destroy();
      assert.equal(r.status, auth === 'Basic !!!!' ? 400 : 401, String(auth));
      if (auth !== 'Basic !!!!') assert.equal(r.headers['www-authenticate'], 'Basic realm="VNC", charset="UTF-8"');
      assert.equal(r.headers.upgrade, undefined);
    }
    assert.equal(backend.accepted.length, 0, 'no backend connection for a refused upgrade');

    const client = await openClient(`ws://127.0.0.1:${s.port}/websockify`, undefined, { headers: { Authorization: basicAuth('sha512crypt') } });
    client.ws.send(Buffer.from('RFB 003.008\n'));
    assert.equal((await client.collect(12)).toString(), 'RFB 003.008\n');
    assert.equal(backend.accepted.length, 1);
    client.ws.close();
    await client.closed();
  });
}

test('mod_proxy upgrade under auth.require: 401 without reaching the backend; with credentials the backend gets remote_user', async (t) => {
  const be = await startWsBackend();
  t.after(() => be.close());
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_auth", "mod_authn_file", "mod_proxy" )
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "@DIR@/htpasswd"
auth.require = ( "/ws/" => ( "method" => "basic", "realm" => "VNC", "require" => "valid-user" ) )
proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )
proxy.header = ( "upgrade" => "enable" )
proxy.forwarded = ( "remote_user" => 1 )
`,
  );
  writeUserFiles(s.dir);
  const refused = await rawRequest(s.port, upgradeHead('/ws/echo'));
  refused.socket.destroy();
  assert.equal(refused.status, 401);
  assert.equal(be.upgrades.length, 0);
  const client = await openClient(`ws://127.0.0.1:${s.port}/ws/echo`, undefined, { headers: { Authorization: basicAuth('bcrypt2y') } });
  client.ws.send('hi');
  assert.equal((await client.next()).data.toString(), 'hi');
  const hs = be.upgrades[0];
  assert.ok(hs);
  assert.equal(rawHeader(hs, 'forwarded'), 'remote_user="bcrypt2y"');
  client.ws.close();
  await client.closed();
});

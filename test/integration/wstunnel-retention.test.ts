/**
 * An open tunnel must not keep its upgrade request alive: with nothing that logs the tunnel when it
 * ends (no mod_accesslog), the request's context is garbage once the 101 is out. 5,000 idle noVNC
 * tunnels otherwise carry 5,000 requests (headers, environment, the routing pass) for their lifetime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RequestCtx } from '../../src/request/context.js';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { tcpBackend } from '../helpers/backends.js';
import { openClient } from '../helpers/ws-client.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Collects garbage until `ref` is cleared or the rounds run out; true when it was collected. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    collect();
  }
  return ref.deref() === undefined;
}

test('an open tunnel does not hold its upgrade request (no access log)', { timeout: 30000 }, async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: backend.port }] } });
  t.after(() => srv.close());

  const module = srv.module;
  const upgrade = module.onUpgrade?.bind(module);
  assert.ok(upgrade, 'mod_wstunnel has an upgrade hook');
  let seen: WeakRef<RequestCtx> | undefined;
  module.onUpgrade = (req, head, conf) => {
    seen = new WeakRef(req);
    return upgrade(req, head, conf);
  };

  const c = await openClient(`${srv.url}/`, 'binary');
  t.after(() => c.ws.terminate());
  c.ws.send(Buffer.from('before'));
  assert.equal((await c.next()).data.toString(), 'before');
  assert.ok(seen, 'the request went through the hook');
  assert.equal(srv.module.tunnelCount, 1);

  assert.ok(await collected(seen), 'the request context is still reachable while the tunnel is open');

  // the tunnel itself lives on
  c.ws.send(Buffer.from('after'));
  assert.equal((await c.next()).data.toString(), 'after');
  assert.equal(srv.module.tunnelCount, 1);
});

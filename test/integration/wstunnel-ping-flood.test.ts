/**
 * A client that sends PINGs and never reads must not grow the server without bound: every PING is
 * answered with a PONG queued towards that client, so once the PONGs back up (more than the tunnel's
 * high-water mark waiting in Node) the server stops reading the client until its queue drains, as it
 * does when the backend backs up. Before, the client was read on, and each read queued its PONGs:
 * four such clients grew the server by ~1 GB every 5 s until it ran out of memory.
 *
 * Measured from the client: with the server reading no more, the client's own writes stall (only the
 * kernel buffers between the two take more) well below what it would push through a reading server.
 * When the client reads again, the PONGs arrive and the tunnel goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpBackend } from '../helpers/backends.js';
import { pushUntilStalled } from '../helpers/push-until-stalled.js';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { openClient } from '../helpers/ws-client.js';
import { clientFrame, rawRequest, upgradeHead } from '../helpers/ws-raw.js';

/** What the client may get accepted before its writes stall (socket buffers on both sides, with room). */
const STALL_LIMIT = 48 * 1024 * 1024;

test('a client that floods PINGs without reading is no longer read once its PONGs back up; the server serves on', { timeout: 60000 }, async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: backend.port }] } });
  t.after(() => srv.close());

  const res = await rawRequest(srv.port, upgradeHead('/', { 'Sec-WebSocket-Protocol': 'binary' }));
  assert.equal(res.status, 101);
  const flooder = res.socket;
  t.after(() => flooder.destroy());
  // the client reads nothing from here on (rawRequest left the socket paused)
  const ping = clientFrame(9, Buffer.alloc(125, 0x70));
  const batch = Buffer.concat(Array<Buffer>(512).fill(ping));
  const accepted = await pushUntilStalled(flooder, batch, STALL_LIMIT);
  assert.ok(accepted < STALL_LIMIT, `the server kept reading PINGs: ${(accepted / 1048576).toFixed(1)} MiB accepted without a stall`);

  // meanwhile another client is served
  const other = await openClient(`${srv.url}/`);
  other.ws.send('still here');
  assert.equal((await other.next()).data.toString(), 'still here');
  other.ws.close();

  // the flooder reads again: every PING is answered, and then its data comes back through the tunnel
  const marker = Buffer.from('after the flood');
  flooder.write(clientFrame(2, marker));
  const pongs = Math.floor(accepted / ping.length);
  const got = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new Error(`no echo after ${size} bytes`)), 30000);
    flooder.on('data', (d: Buffer) => {
      parts.push(d);
      size += d.length;
      if (d.includes(marker) || Buffer.concat(parts.slice(-2)).includes(marker)) {
        clearTimeout(timer);
        resolve(Buffer.concat(parts));
      }
    });
    flooder.resume();
  });
  assert.ok(got.length >= pongs * (ping.length - 4), `${got.length} bytes for at least ${pongs} PONGs`);
});

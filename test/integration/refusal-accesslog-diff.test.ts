/**
 * The access-log line of an upgrade mod_wstunnel refuses itself (403 for an origin, 503 with the backend
 * down), against the real lighttpd 1.4.69: status, `%b` (the error page) and `%I` (the request) must agree,
 * and tswstunnel's `%O` must be what its client received. `%O` and `%X` themselves differ by design:
 * tswstunnel answers with `Connection: close` and closes (docs/compat.md, refused upgrades).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../helpers/backends.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { SAMPLE_KEY } from '../helpers/ws-raw.js';

const REFUSALS = [
  { target: '/ws/origin', origin: 'http://elsewhere' },
  { target: '/down/backend', origin: 'http://here' },
] as const;

function configText(downPort: number): string {
  return [
    'server.modules = ( "mod_accesslog", "mod_wstunnel" )',
    'server.tag = "lighttpd/1.4.69"',
    'accesslog.filename = "@DIR@/access.log"',
    'accesslog.format = "%s %b %I %O \\"%r\\""',
    'wstunnel.origins = ( "http://here" )',
    `wstunnel.server = ( "/ws" => ( ( "host" => "127.0.0.1", "port" => ${downPort} ) ), "/down" => ( ( "host" => "127.0.0.1", "port" => ${downPort} ) ) )`,
    '',
  ].join('\n');
}

/** Sends a refused upgrade, reads the answer to its close; resolves with the bytes received. */
async function refused(port: number, target: string, origin: string): Promise<number> {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  let got = 0;
  s.on('data', (d: Buffer) => (got += d.length));
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`);
  await waitFor(() => got > 0, 5000, `the answer to ${target}`);
  await new Promise((r) => setTimeout(r, 200));
  s.end();
  await new Promise<void>((resolve) => {
    s.once('close', () => resolve());
    setTimeout(() => resolve(), 3000);
  });
  return got;
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

async function run(t: TestContext): Promise<{ ours: string[]; theirs: string[]; received: number[] }> {
  const down = await closedPort();
  const ours = await startTestServer(t, configText(down));
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${configText(down)}`);
  const received: number[] = [];
  for (const r of REFUSALS) {
    await refused(oracle.port, r.target, r.origin);
    received.push(await refused(ours.port, r.target, r.origin));
  }
  await oracle.stop();
  await waitFor(() => lines(join(ours.dir, 'access.log')).length >= REFUSALS.length, 3000, 'our lines').catch(() => undefined);
  await ours.server.close();
  return { ours: lines(join(ours.dir, 'access.log')), theirs: lines(join(oracle.dir, 'access.log')), received };
}

test('a refused upgrade\'s access log line: status, %b and %I as lighttpd 1.4.69, %O the bytes sent', { timeout: 30_000 }, async (t) => {
  const { ours, theirs, received } = await run(t);
  assert.equal(theirs.length, REFUSALS.length, theirs.join('\n'));
  assert.equal(ours.length, REFUSALS.length, ours.join('\n'));
  let agree = 0;
  REFUSALS.forEach((r, i) => {
    const mine = (ours.find((l) => l.includes(` "GET ${r.target} `)) ?? '').split(' ');
    const want = (theirs.find((l) => l.includes(` "GET ${r.target} `)) ?? '').split(' ');
    assert.deepEqual([mine[0], mine[1], mine[2]], [want[0], want[1], want[2]], `${r.target}: status %b %I`);
    assert.equal(mine[3], String(received[i]), `${r.target}: %O is what the client received`);
    agree++;
  });
  console.log(`refused upgrade access log: ${agree} of ${REFUSALS.length} lines agree in status, %b, %I`);
});

/**
 * The engine's and the tunnel's raw-handle fast paths must leave a TLSSocket alone: its handle is the
 * TLS layer, and bytes read from or written to the TCP handle under it would bypass encryption. Each
 * path is tried on a server-side TLSSocket that finished its handshake; each must decline, and the
 * socket must still carry an encrypted exchange afterwards.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, createSecureContext, TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { shareReads, writeDirect } from '../../src/http1/socket-io.js';
import { takeHandle } from '../../src/net/take-handle.js';
import { ClientReads, CLIENT_READ_BUFFER, moveToSharedReads } from '../../src/modules/wstunnel/client-reads.js';
import { acceptedPair } from '../helpers/socket-pair.js';
import { testCert } from '../helpers/tls-cert.js';

async function tlsPair(t: TestContext): Promise<{ server: TLSSocket; client: TLSSocket }> {
  const cert = testCert();
  const { accepted, client: raw } = await acceptedPair(t);
  const context = createSecureContext({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) });
  const server = new TLSSocket(accepted, { isServer: true, secureContext: context });
  server.on('error', () => undefined);
  const client = tlsConnect({ socket: raw, ca: cert.certPem, servername: 'localhost' });
  client.on('error', () => undefined);
  t.after(() => {
    client.destroy();
    server.destroy();
  });
  await Promise.all([once(server, 'secure'), once(client, 'secureConnect')]);
  return { server, client };
}

test('on a TLS socket the shared-read, direct-write, take-handle and move-reads paths all decline, and TLS still works', async (t) => {
  const { server, client } = await tlsPair(t);
  assert.equal(
    shareReads(server, () => true),
    false,
    'shareReads',
  );
  let doneCalled = false;
  assert.equal(
    writeDirect(server, 'x', () => (doneCalled = true)),
    'queued-path',
    'writeDirect',
  );
  assert.equal(doneCalled, false);
  assert.equal(takeHandle(server, { buffer: CLIENT_READ_BUFFER, callback: () => true }), null, 'takeHandle');
  assert.equal(moveToSharedReads(server, new ClientReads()), null, 'moveToSharedReads');
  // the socket is untouched: an exchange both ways still decrypts
  const echoed = once(client, 'data');
  server.on('data', (d: Buffer) => server.write(Buffer.concat([Buffer.from('echo:'), d])));
  client.write('ping');
  const [got] = (await echoed) as [Buffer];
  assert.equal(got.toString(), 'echo:ping');
});

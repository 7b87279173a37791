import type { TestContext } from 'node:test';
import net from 'node:net';

/**
 * A listening server that pauses accepted sockets (as the engine does), one client connected to it on
 * 127.0.0.1, and the accepted socket; all closed after the test.
 */
export async function acceptedPair(t: TestContext): Promise<{ server: net.Server; accepted: net.Socket; client: net.Socket }> {
  let take: (s: net.Socket) => void = () => undefined;
  const got = new Promise<net.Socket>((r) => (take = r));
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, take);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const client = net.connect(typeof addr === 'object' && addr !== null ? addr.port : 0, '127.0.0.1');
  client.on('error', () => undefined);
  const accepted = await got;
  accepted.on('error', () => undefined);
  t.after(() => {
    client.destroy();
    accepted.destroy();
    server.close();
  });
  return { server, accepted, client };
}

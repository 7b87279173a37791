/**
 * The proxy benchmark's backend: a small Node HTTP server answering every request with a fixed
 * 64-byte body. Prints "listening PORT" once bound (port 0 picks one).
 */
import { createServer } from 'node:http';

const body = Buffer.from(`${'hello from the backend '.repeat(3).slice(0, 63)}\n`);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr !== null ? addr.port : 0}`);
});

#!/usr/bin/env node
// The demo backend: a plain byte-stream server with no WebSocket code at all. Like every bin-path
// program it gets a listening socket as fd 0 (stdin) and accepts connections on it. Each connection
// gets a greeting, then every line it sends comes back reversed, with a count.
import net from 'node:net';

const server = net.createServer((sock) => {
  sock.setEncoding('utf8');
  sock.on('error', () => sock.destroy());
  let lines = 0;
  let pending = '';
  sock.write(`hello from backend pid ${process.pid}: send me a line\n`);
  sock.on('data', (text) => {
    pending += text;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines += 1;
      sock.write(`#${lines} ${[...line].reverse().join('')}\n`);
    }
  });
});
server.listen({ fd: 0 });
process.on('SIGTERM', () => process.exit(0));

/**
 * Handshake floor, node:net: the least a Node server on `net.Socket` does for one handshake cycle of
 * the benchmark (accept, read the upgrade, answer 101, answer the client's CLOSE, close) — no HTTP
 * parsing, no routing, no backend. Prints `listening PORT`.
 */
import { createServer } from 'node:net';
import { CLOSE_FRAME, upgradeAnswer } from './upgrade-answer.js';

const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  let upgraded = false;
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.end());
  socket.on('data', (data: Buffer) => {
    if (upgraded) {
      socket.end(CLOSE_FRAME, 'latin1');
      return;
    }
    const answer = upgradeAnswer(data.toString('latin1'));
    if (answer === null) {
      socket.destroy();
      return;
    }
    upgraded = true;
    socket.write(answer, 'latin1');
  });
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(`listening ${typeof a === 'object' && a !== null ? a.port : 0}`);
});

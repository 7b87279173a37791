/**
 * The one thing the handshake floor servers compute: the 101 answer to a WebSocket upgrade request
 * (RFC 6455 §4.2.2), with the `binary` subprotocol the benchmark client offers.
 */
import { createHash } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = /\r\nSec-WebSocket-Key:[ \t]*([^\r\n]+)/i;

/** The 101 head for a request head given as latin1 text; null when it carries no key. */
export function upgradeAnswer(head: string): string | null {
  const m = KEY.exec(head);
  if (m === null || m[1] === undefined) return null;
  const accept = createHash('sha1').update(m[1].trim() + GUID).digest('base64');
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: binary\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

/** The server's CLOSE frame (no payload). */
export const CLOSE_FRAME = '\x88\x00';

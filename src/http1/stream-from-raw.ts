/**
 * The handle of a raw engine connection (raw-socket.ts) moved into a HandleStream for a module that
 * owns the connection for good (a WebSocket tunnel): what src/net/take-handle.ts does for an accepted
 * net.Socket, without a net.Socket ever being made. The RawSocket stays behind as the stand-in the
 * engine and the server core count: it closes ('close') when the stream closes, and destroying it
 * closes the stream.
 *
 * Only done when nothing can be lost: open, nothing queued either way, EOF not seen; else null and the
 * connection is left as it was.
 */
import { HandleStream, type HandleReads } from '../net/handle-stream.js';
import { streamBinding } from '../net/stream-binding.js';
import type { RawSocket } from './raw-socket.js';

/** Moves `raw`'s handle into a stream reading through `reads` (not reading yet); null when that cannot be done safely. */
export function streamFromRaw(raw: RawSocket, reads: HandleReads): HandleStream | null {
  const b = streamBinding;
  if (b === null || raw.destroyed || raw.readableEnded || raw.writableEnded || raw.writableLength !== 0) return null;
  const handle = raw.detach();
  if (handle === null) return null;
  const stream = new HandleStream(b, handle, reads, true, false);
  stream.closeHook = () => raw.closedElsewhere();
  raw.standInDestroy = () => stream.destroy();
  return stream;
}

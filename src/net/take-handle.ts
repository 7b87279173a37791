/**
 * Moving the TCP handle of an accepted `net.Socket` into a HandleStream (handle-stream.ts) once a
 * module owns the connection for good (a WebSocket tunnel): its reads then go into the caller's
 * buffer and its writes straight to the handle. The accepted socket stays behind without a handle,
 * as the stand-in the engine and the server core count: it is destroyed (its 'close' listeners run)
 * when the stream closes, and destroying it closes the stream.
 *
 * Only done when nothing can be lost: a plain TCP socket (not TLS, not another stream), open,
 * nothing buffered either way, EOF not seen; else null and the socket is left as it was.
 */
import type { Duplex } from 'node:stream';
import { HandleStream, type HandleReads } from './handle-stream.js';
import { detachHandle, idleSocketHandle } from './socket-handle.js';
import { streamBinding, type StreamHandle } from './stream-binding.js';

/** The handle, with the flag net.Socket keeps on it while it reads. */
type ReadingHandle = StreamHandle & { reading: unknown };

function isStreamHandle(h: unknown): h is ReadingHandle {
  return typeof h === 'object' && h !== null && 'readStart' in h && typeof h.readStart === 'function' && 'useUserBuffer' in h && 'writev' in h && 'reading' in h;
}

/** Moves `accepted`'s handle into a stream reading through `reads`; null when that cannot be done safely. */
export function takeHandle(accepted: Duplex, reads: HandleReads): HandleStream | null {
  const b = streamBinding;
  if (b === null) return null;
  const handle = idleSocketHandle(accepted);
  if (!isStreamHandle(handle)) return null;
  detachHandle(accepted);
  // a handle still reading for the socket keeps reading (stopping and restarting it costs two
  // epoll_ctl calls): the caller attaches its reader before the next event-loop turn
  const stream = new HandleStream(b, handle, reads, true, handle.reading === true);
  stream.closeHook = () => accepted.destroy();
  accepted.once('close', () => stream.destroy());
  return stream;
}

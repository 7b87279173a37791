/**
 * For flood tests: a writer that pushes as long as its peer takes the bytes. When the peer stops
 * reading, the writes stall once the kernel buffers between the two are full; a peer that reads on
 * (and queues in its memory) never stalls them. The bytes accepted tell which.
 */
import type net from 'node:net';

/**
 * Writes `batch` to `socket` while it is taken; resolves with the bytes accepted (written minus still
 * queued) once nothing more is taken for `stallMs`, or as soon as more than `limit` were.
 */
export function pushUntilStalled(socket: net.Socket, batch: Buffer, limit: number, stallMs = 600): Promise<number> {
  return new Promise((resolve) => {
    let accepted = 0;
    let timer: NodeJS.Timeout | undefined;
    const stalled = (): void => {
      socket.off('drain', pump);
      resolve(accepted - socket.writableLength);
    };
    const pump = (): void => {
      clearTimeout(timer);
      while (accepted - socket.writableLength < limit) {
        accepted += batch.length;
        if (!socket.write(batch)) {
          timer = setTimeout(stalled, stallMs);
          socket.once('drain', pump);
          return;
        }
      }
      resolve(accepted - socket.writableLength);
    };
    pump();
  });
}

/**
 * One write to a libuv stream handle (stream-binding.ts), the part every direct writer shares:
 * RawSocket (the engine's accepted connections), HandleStream (tunnel ends) and socket-io's
 * writeDirect (a net.Socket's handle).
 *
 *   dispatch     a latin1 string (writeLatin1String), a buffer (writeBuffer) or several (one writev)
 *   completion   node writes what the kernel takes at once before it makes a native request; when
 *                that was everything (`lastWriteWasAsync` 0) the write is finished inside the call
 *                and nothing of its request object is kept, so the next write uses the same object.
 *                Otherwise the request belongs to the write until libuv completes it: it keeps the
 *                bytes reachable and, when it completes, tells its owner (`written`), with the
 *                owner's `token` for that write (no closure per write).
 *
 * What a caller does with the outcome (callbacks on a later tick, counters, 'drain', errors) is its own.
 */
import type { StreamBinding, StreamHandle, StreamReq } from './stream-binding.js';

/** Whoever learns when a write that went asynchronous ends (status < 0: it failed). */
export interface WriteOwner<T> {
  written(req: HandleWrite<T>, status: number): void;
}

/** A write request in flight, with what its completion needs. */
export interface HandleWrite<T> extends StreamReq {
  owner: WriteOwner<T> | null;
  /** Bytes of this write. */
  bytes: number;
  /** The owner's state for this write (e.g. its callbacks). */
  token: T | null;
}

/** writeToHandle's answer when the kernel took everything. */
export const WRITTEN = 0;

/** A request object no write holds (see the file header). */
let spare: HandleWrite<unknown> | null = null;

function completed(this: HandleWrite<unknown>, status: number): void {
  const owner = this.owner;
  this.owner = null;
  this.data = null;
  owner?.written(this, status);
}

/**
 * Writes `data` (`bytes` bytes; a string is written as latin1, an array as one writev) to `handle`.
 * Answers a libuv error code (< 0; nothing was written), WRITTEN (the kernel took it all; nothing
 * follows), or the request: the rest is queued in libuv and `owner.written(req, status)` follows once,
 * with `req.token` = `token` and `req.bytes` = `bytes`.
 */
export function writeToHandle<T>(
  b: StreamBinding,
  handle: StreamHandle,
  data: string | Uint8Array | Uint8Array[],
  bytes: number,
  owner: WriteOwner<T>,
  token: T | null,
): HandleWrite<T> | number {
  let req = spare as HandleWrite<T> | null;
  if (req === null) {
    req = b.newWriteReq(handle, completed) as HandleWrite<T>;
    // every field from the start: one object shape for all requests
    req.owner = null;
    req.bytes = 0;
    req.token = null;
    req.data = null;
  } else {
    spare = null;
    req.handle = handle;
  }
  const err = typeof data === 'string' ? handle.writeLatin1String(req, data) : Array.isArray(data) ? handle.writev(req, data, true) : handle.writeBuffer(req, data);
  if (err < 0) return err;
  if (b.state[b.lastWriteWasAsync] === 0) {
    spare = req;
    return WRITTEN;
  }
  // libuv still reads from the bytes: the request (held by node until it completes) keeps them reachable
  req.owner = owner;
  req.bytes = bytes;
  req.token = token;
  req.data = data;
  return req;
}

/** A closed (or handed-over) handle: the spare request lets go of it, so nothing keeps it alive. */
export function forgetHandle(handle: StreamHandle): void {
  if (spare !== null && spare.handle === handle) spare = null;
}

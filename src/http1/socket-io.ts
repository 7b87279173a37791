/**
 * The engine's socket I/O without node's stream layer, where node allows it (http-core.md §5):
 *
 * - **Reads into one shared buffer.** node gives accepted sockets no `onread` option, so each read
 *   allocates 64 KiB, shrinks it and goes through Readable.push and a 'data' event. `shareReads` turns
 *   the same switch node's constructor turns for `onread` (its internal kBuffer / kBufferCb slots, found
 *   by their symbol descriptions, and the handle's `useUserBuffer`) on the accepted socket itself: node's
 *   own read callback then hands each read to the engine, in SHARED_READ_BUFFER, and still handles EOF
 *   ('end'), errors and pause / resume (readStop / readStart). Everything in the buffer must be used or
 *   copied before the callback returns. `streamReads` makes a socket emit 'data' again (a copy per read),
 *   for a module that takes or looks at the socket (Upgrade); a socket never goes back to shared reads.
 * - **Writes straight to the handle.** `writeDirect` hands a latin1 string to the TCP handle
 *   (`writeLatin1String` with a WriteWrap, what node's Writable does at its end) when the socket's
 *   Writable holds nothing (libuv queues writes in order, so nothing can overtake queued bytes); no
 *   WriteWrap callback chain, no nextTick per write. A write the kernel did not take whole completes
 *   later through `done`.
 *
 * The write itself (request reuse, dispatch, asynchronous completion) is src/net/handle-write.ts's, as
 * for the engine's raw connections and the tunnels' streams; node's stream handles are checked in
 * src/net/stream-binding.ts. Both fall back to the ordinary stream calls when node's internals are not what this expects
 * (`DIRECT_IO`; socket-io.test.ts fails when that happens on a supported node).
 */
import net from 'node:net';
import { socketHandle } from '../net/socket-handle.js';
import type { EngineSocket } from './engine-socket.js';
import { RawSocket, type RawReader } from './raw-socket.js';
import { streamBinding, type StreamHandle } from '../net/stream-binding.js';
import { writeToHandle, type HandleWrite, type WriteOwner } from '../net/handle-write.js';

/** Size of the shared read buffer (what libuv asks for per read: 64 KiB). */
const READ_SIZE = 64 * 1024;

/** Every engine connection reads into this buffer (see the file header). */
export const SHARED_READ_BUFFER = Buffer.allocUnsafeSlow(READ_SIZE);

/** node's read callback for `onread` sockets: `this` is the socket, `n` the bytes read; false stops reading. */
type ReadCallback = (this: net.Socket, n: number, buf: Buffer) => boolean;

/** The completion of a direct write that went asynchronous (status < 0: failed). */
export type WriteDone = (status: number) => void;

/** An accepted socket's TCP / Pipe handle (its class's methods are checked by stream-binding.ts), and whether it reads. */
type IoHandle = StreamHandle & { readonly reading: boolean };

function isIoHandle(h: unknown): h is IoHandle {
  return typeof h === 'object' && h !== null && 'useUserBuffer' in h && typeof h.useUserBuffer === 'function' && 'writeLatin1String' in h && typeof h.writeLatin1String === 'function' && 'reading' in h;
}

function handleOf(socket: net.Socket): IoHandle | null {
  const h = socketHandle(socket);
  return isIoHandle(h) ? h : null;
}

/** node's internal onread slots on a Socket (own symbol properties, null when unused). */
interface ReadSlots {
  readonly buffer: symbol;
  readonly callback: symbol;
  readonly generator: symbol;
}

function findReadSlots(): ReadSlots | null {
  const probe = new net.Socket();
  const own = Object.getOwnPropertySymbols(probe);
  const find = (name: string): symbol | undefined => own.find((s) => s.description === name);
  const buffer = find('kBuffer');
  const callback = find('kBufferCb');
  const generator = find('kBufferGen');
  probe.destroy();
  if (buffer === undefined || callback === undefined || generator === undefined) return null;
  return { buffer, callback, generator };
}

const binding = streamBinding;
const slots = findReadSlots();

/** Whether this node lets the engine read and write without the stream layer. */
export const DIRECT_IO = binding !== null && slots !== null;

type SlotHolder = Record<symbol, unknown>;

/** A plain net.Socket with its TCP / Pipe handle, nothing buffered or ended: what the switch needs. */
function plainSocket(socket: net.Socket): IoHandle | null {
  if (Object.getPrototypeOf(socket) !== net.Socket.prototype) return null;
  if (socket.destroyed || socket.connecting || socket.readableLength > 0 || socket.readableEnded) return null;
  const h = handleOf(socket);
  return h !== null && !h.reading ? h : null;
}

/**
 * Makes `socket` (accepted, not reading yet) deliver its reads to `callback` in SHARED_READ_BUFFER
 * instead of 'data' events; false (nothing changed) when that cannot be done.
 */
export function shareReads(socket: EngineSocket, callback: ReadCallback & RawReader): boolean {
  if (socket instanceof RawSocket) {
    socket.setReader(callback);
    return true;
  }
  if (slots === null || !(socket instanceof net.Socket)) return false;
  const handle = plainSocket(socket);
  if (handle === null) return false;
  const s = socket as unknown as SlotHolder;
  if (s[slots.buffer] !== null || s[slots.generator] !== null) return false;
  handle.useUserBuffer(SHARED_READ_BUFFER);
  s[slots.buffer] = SHARED_READ_BUFFER;
  s[slots.callback] = callback;
  return true;
}

/** A read of a shared-read socket as an ordinary 'data' chunk (copied out of the shared buffer). */
export function pushCopy(this: net.Socket, n: number, buf: Buffer): boolean {
  const copy = Buffer.allocUnsafe(n);
  buf.copy(copy, 0, 0, n);
  return this.push(copy);
}

/** Makes a shared-read socket emit 'data' (and honour the Readable's flow control) again. */
export function streamReads(socket: net.Socket): void {
  if (slots === null) return;
  const s = socket as unknown as SlotHolder;
  if (s[slots.buffer] === SHARED_READ_BUFFER) s[slots.callback] = pushCopy;
}

/** Hands an asynchronous direct write's completion to its `done` (the write's token). */
const directOwner: WriteOwner<WriteDone> = {
  written(req: HandleWrite<WriteDone>, status: number): void {
    const done = req.token;
    req.token = null;
    done?.(status);
  },
};

/**
 * Writes `data` (latin1) to the socket's handle now if nothing is queued in its Writable. Returns
 * 'sync' when the kernel took it all, 'async' when the rest follows (`done` is called then, once),
 * 'failed' when the handle refused it (the socket is destroyed), or 'queued-path' when the caller
 * must use socket.write (no direct write was made; always for a socket that is not a plain net.Socket).
 */
export function writeDirect(socket: EngineSocket, data: string, done: WriteDone): 'sync' | 'async' | 'failed' | 'queued-path' {
  if (socket instanceof RawSocket) return socket.writeNow(data, done);
  if (!(socket instanceof net.Socket) || binding === null || socket.writableLength !== 0 || socket.writableCorked !== 0 || socket.writableEnded || socket.destroyed) return 'queued-path';
  // a TLSSocket's handle is its TLS layer: writes go through the socket (plain net.Sockets only)
  if (Object.getPrototypeOf(socket) !== net.Socket.prototype) return 'queued-path';
  const handle = handleOf(socket);
  if (handle === null) return 'queued-path';
  const r = writeToHandle(binding, handle, data, data.length, directOwner, done);
  if (typeof r !== 'number') return 'async';
  if (r < 0) {
    socket.destroy(new Error(`write failed (${r})`));
    return 'failed';
  }
  return 'sync';
}

/**
 * Node's libuv stream handles without `net.Socket` around them: the TCP / Pipe handle classes and the
 * write / shutdown request classes that `net` itself is built on (`tcp_wrap`, `pipe_wrap`,
 * `stream_wrap`). These are internals: every piece is checked here, and `streamBinding` is null when
 * one is missing, so callers fall back to `net` (stream-binding.test.ts fails if a Node update breaks
 * the check, so the fast path cannot vanish silently).
 */

/** A completed write or shutdown; `status` < 0 is a libuv error code. */
export interface StreamReq {
  oncomplete: (status: number) => void;
  handle: StreamHandle;
  /** What an unfinished write reads from: kept reachable through the request until it completes. */
  data?: unknown;
}

/** Methods of a connected libuv stream handle (TCP or Pipe). Numbers returned are 0 or a libuv error code. */
export interface StreamHandle {
  /** Called with `this` = the handle; the byte count (or error, EOF) is in `state[readBytesOrError]`. */
  onread: () => void;
  readStart(): number;
  readStop(): number;
  /** Reads go into `buffer` (no allocation per read). */
  useUserBuffer(buffer: Uint8Array): void;
  writeBuffer(req: StreamReq, data: Uint8Array): number;
  writev(req: StreamReq, chunks: Uint8Array[], allBuffers: true): number;
  writeLatin1String(req: StreamReq, data: string): number;
  shutdown(req: StreamReq): number;
  close(callback: () => void): void;
  setNoDelay?: (on: boolean) => number;
}

/** A handle that can connect (TCP: `connect(req, ip, port)` / `connect6`; Pipe: `connect(req, path)`). */
export interface TcpHandle extends StreamHandle {
  connect(req: StreamReq, address: string, port: number): number;
  connect6(req: StreamReq, address: string, port: number): number;
  setNoDelay(on: boolean): number;
}
export interface PipeHandle extends StreamHandle {
  connect(req: StreamReq, path: string): number;
}

/** What this module found. */
export interface StreamBinding {
  newTcp(): TcpHandle;
  newPipe(): PipeHandle;
  newConnectReq(kind: 'tcp' | 'unix', handle: StreamHandle, oncomplete: (status: number) => void): StreamReq;
  newWriteReq(handle: StreamHandle, oncomplete: (status: number) => void): StreamReq;
  newShutdownReq(handle: StreamHandle, oncomplete: (status: number) => void): StreamReq;
  /** Shared state the last read / write left: bytes read or error, whether the last write went async. */
  readonly state: Int32Array;
  readonly readBytesOrError: number;
  readonly lastWriteWasAsync: number;
}

type Ctor = new (...args: number[]) => object;

function prop(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null && name in obj ? (obj as Record<string, unknown>)[name] : undefined;
}

function ctor(obj: unknown, name: string): Ctor | null {
  const c = prop(obj, name);
  return typeof c === 'function' ? (c as Ctor) : null;
}

function load(name: string): unknown {
  try {
    // process.binding is deprecated for public use (DEP0111, documentation-only), but these modules stay on its allow list
    const get: unknown = Reflect.get(process, 'binding');
    return typeof get === 'function' ? (get as (id: string) => unknown).call(process, name) : null;
  } catch {
    return null;
  }
}

const HANDLE_METHODS = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writev', 'writeLatin1String', 'shutdown', 'close'];

function hasMethods(proto: unknown, names: readonly string[]): boolean {
  return names.every((n) => typeof prop(proto, n) === 'function');
}

function find(): StreamBinding | null {
  const tcpWrap = load('tcp_wrap');
  const pipeWrap = load('pipe_wrap');
  const streamWrap = load('stream_wrap');
  const Tcp = ctor(tcpWrap, 'TCP');
  const TcpConnect = ctor(tcpWrap, 'TCPConnectWrap');
  const Pipe = ctor(pipeWrap, 'Pipe');
  const PipeConnect = ctor(pipeWrap, 'PipeConnectWrap');
  const Write = ctor(streamWrap, 'WriteWrap');
  const Shutdown = ctor(streamWrap, 'ShutdownWrap');
  const tcpSocket = prop(prop(tcpWrap, 'constants'), 'SOCKET');
  const pipeSocket = prop(prop(pipeWrap, 'constants'), 'SOCKET');
  const state = prop(streamWrap, 'streamBaseState');
  const readBytesOrError = prop(streamWrap, 'kReadBytesOrError');
  const lastWriteWasAsync = prop(streamWrap, 'kLastWriteWasAsync');
  if (!Tcp || !TcpConnect || !Pipe || !PipeConnect || !Write || !Shutdown) return null;
  if (typeof tcpSocket !== 'number' || typeof pipeSocket !== 'number') return null;
  if (!(state instanceof Int32Array) || typeof readBytesOrError !== 'number' || typeof lastWriteWasAsync !== 'number') return null;
  if (!hasMethods(Tcp.prototype, [...HANDLE_METHODS, 'connect', 'connect6', 'setNoDelay'])) return null;
  if (!hasMethods(Pipe.prototype, [...HANDLE_METHODS, 'connect'])) return null;
  const req = (C: Ctor, handle: StreamHandle, oncomplete: (status: number) => void): StreamReq => {
    const r = new C() as StreamReq;
    r.handle = handle;
    r.oncomplete = oncomplete;
    return r;
  };
  return {
    newTcp: () => new Tcp(tcpSocket) as TcpHandle,
    newPipe: () => new Pipe(pipeSocket) as PipeHandle,
    newConnectReq: (kind, handle, oncomplete) => req(kind === 'tcp' ? TcpConnect : PipeConnect, handle, oncomplete),
    newWriteReq: (handle, oncomplete) => req(Write, handle, oncomplete),
    newShutdownReq: (handle, oncomplete) => req(Shutdown, handle, oncomplete),
    state,
    readBytesOrError,
    lastWriteWasAsync,
  };
}

/** Node's stream handle classes, or null where they are not as expected (callers then use `net`). */
export const streamBinding: StreamBinding | null = find();

/** libuv's end-of-file read result. */
export const UV_EOF = -4095;

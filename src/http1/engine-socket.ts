/**
 * What the HTTP/1 engine uses of a client connection: the part of `net.Socket` that connection.ts,
 * response.ts and server.ts call. A `net.Socket` is one (the fallback path); raw-socket.ts's RawSocket
 * is the other (an accepted libuv handle driven directly, without node's stream layer).
 */

/** A write's completion (an error when the bytes did not get out). */
export type WriteCallback = (err?: Error | null) => void;

/** Events the engine listens to. */
export type EngineEvent = 'data' | 'end' | 'drain' | 'error' | 'close';

export interface EngineSocket {
  readonly destroyed: boolean;
  readonly writableLength: number;
  readonly writableCorked: number;
  readonly writableEnded: boolean;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  write(data: string | Uint8Array, encoding: BufferEncoding, cb?: WriteCallback): boolean;
  write(data: Uint8Array, cb?: WriteCallback): boolean;
  cork(): void;
  uncork(): void;
  end(): unknown;
  destroySoon(): void;
  destroy(err?: Error): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  on(event: EngineEvent, listener: (...args: unknown[]) => void): unknown;
  once(event: EngineEvent, listener: (...args: unknown[]) => void): unknown;
  off(event: EngineEvent, listener: (...args: unknown[]) => void): unknown;
  removeAllListeners(event: EngineEvent): unknown;
}

/**
 * BodyFilter: what a response-start hook can put between a handler and the wire (mod_deflate's
 * compression). Once a response has a filter, the handler's write()/end() bytes go to the filter instead
 * of the socket; the filter sends what it makes through the response's `pass*` methods, which frame the
 * body as usual (a known whole length → Content-Length, else chunked or close-delimited). A response
 * without a filter pays one null check per write.
 */

/** The completion callback of a write. */
export type FilterWriteCallback = (err?: Error | null) => void;

/** A transformation of one response body (see the file header). */
export interface BodyFilter {
  /** A body chunk from the handler; false = stop until the response emits 'drain'. */
  write(chunk: Buffer, cb: FilterWriteCallback | undefined): boolean;
  /** The handler's last chunk (null: none); `cb` runs when the response finished. */
  end(chunk: Buffer | null, cb: (() => void) | undefined): void;
  /** The socket took what the filter passed on (the filter emits the response's 'drain' itself). */
  drained(): void;
}

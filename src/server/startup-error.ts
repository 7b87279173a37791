/**
 * A startup failure with a clear one-line message (no stack trace for the user): a port that cannot
 * be bound, a missing document root, an unknown module, a bad user. The CLI prints `message` and
 * exits 255, as lighttpd does.
 */

/** A startup failure; `source` is the lighttpd-style pseudo location for the error-log line. */
export class StartupError extends Error {
  readonly code: string;
  readonly source: string;

  constructor(code: string, message: string, source = 'server.c.0') {
    super(message);
    this.name = 'StartupError';
    this.code = code;
    this.source = source;
  }
}

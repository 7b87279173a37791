/**
 * The error log: lighttpd's line format `YYYY-MM-DD HH:MM:SS: (<source>) <message>` in local time
 * (http-core.md §13.1), written to `server.errorlog` (a file, appended, reopened on SIGHUP), to stderr
 * in the foreground, or discarded (daemon mode without `server.errorlog`).
 *
 * We cannot name lighttpd's C file/line; the pseudo-location is lighttpd's where we copy a message
 * (`server.c.1704` for "server started") so greps keep working, else `<module>.ts`.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

/** Where error-log lines go. */
export type LogTarget = { kind: 'file'; path: string } | { kind: 'stream'; stream: NodeJS.WritableStream } | { kind: 'discard' };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The `YYYY-MM-DD HH:MM:SS` stamp in local time. */
export function logTimestamp(d = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Writes one timestamped line to stderr (a module's log before the server hands it the error log). */
export function logToStderr(line: string): void {
  process.stderr.write(`${logTimestamp()}: ${line}\n`);
}

/** An error log that never throws: write failures are dropped silently. */
export class ErrorLog {
  #target: LogTarget;
  #fd: number | null = null;

  constructor(target: LogTarget) {
    this.#target = target;
    this.#open();
  }

  #open(): void {
    if (this.#target.kind !== 'file') return;
    this.#fd = openSync(this.#target.path, 'a', 0o644);
  }

  /** Writes one line: `write('server.c.1704', 'server started (…)')`. */
  write(source: string, message: string): void {
    const line = `${logTimestamp()}: (${source}) ${message}\n`;
    try {
      if (this.#fd !== null) writeSync(this.#fd, line);
      else if (this.#target.kind === 'stream') this.#target.stream.write(line);
    } catch {
      // a full disk or a closed stderr must not take the server down
    }
  }

  /** Reopens a file log (SIGHUP, for logrotate). Errors keep the old descriptor. */
  reopen(): void {
    if (this.#target.kind !== 'file') return;
    try {
      const fd = openSync(this.#target.path, 'a', 0o644);
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = fd;
    } catch {
      // keep writing to the old file
    }
  }

  close(): void {
    if (this.#fd !== null) {
      try {
        closeSync(this.#fd);
      } catch {
        // already closed
      }
      this.#fd = null;
    }
  }
}

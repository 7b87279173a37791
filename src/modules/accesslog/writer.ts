/**
 * Access log destinations: a file (appended, reopened on SIGHUP) or a `|command` pipe.
 *
 * lighttpd buffers file lines for up to ~4 s; we batch the lines of one event-loop turn and write them
 * together (same bytes, earlier). Write errors are reported once and never thrown into a request.
 */
import { closeSync, openSync, write } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

/** One open access log. */
export class LogWriter {
  readonly #target: string;
  readonly #onError: (message: string) => void;
  #fd: number | null = null;
  #child: ChildProcess | null = null;
  #pending: string[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();
  #failed = false;

  constructor(target: string, onError: (message: string) => void) {
    this.#target = target;
    this.#onError = onError;
    this.#open();
  }

  #open(): void {
    if (this.#target.startsWith('|')) {
      const child = spawn('/bin/sh', ['-c', this.#target.slice(1)], { stdio: ['pipe', 'ignore', 'inherit'] });
      child.on('error', (e) => this.#fail(`accesslog: pipe ${this.#target.slice(1)} failed: ${e.message}`));
      child.stdin?.on('error', (e) => this.#fail(`accesslog: pipe ${this.#target.slice(1)} failed: ${e.message}`));
      this.#child = child;
      return;
    }
    this.#fd = openSync(this.#target, 'a', 0o644);
  }

  #fail(message: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#onError(message);
  }

  /** Queues one line (without newline). */
  append(line: string): void {
    this.#pending.push(line + '\n');
    if (this.#child) {
      this.#flushNow();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#flushNow();
      });
    }
  }

  #flushNow(): void {
    if (this.#pending.length === 0) return;
    const data = Buffer.from(this.#pending.join(''), 'latin1');
    this.#pending = [];
    if (this.#child) {
      this.#child.stdin?.write(data);
      return;
    }
    const fd = this.#fd;
    if (fd === null) return;
    this.#writing = this.#writing.then(
      () =>
        new Promise<void>((resolve) => {
          write(fd, data, (err) => {
            if (err) this.#fail(`accesslog: write to ${this.#target} failed: ${err.message}`);
            resolve();
          });
        }),
    );
  }

  /** Writes everything queued and waits for it. */
  async flush(): Promise<void> {
    this.#flushNow();
    await this.#writing;
  }

  /** SIGHUP: reopen a file (pipes are left alone, as lighttpd does). */
  async reopen(): Promise<void> {
    if (this.#child) return;
    await this.flush();
    try {
      const fd = openSync(this.#target, 'a', 0o644);
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = fd;
    } catch (e) {
      this.#onError(`accesslog: cannot reopen ${this.#target}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    if (this.#child) {
      const child = this.#child;
      this.#child = null;
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => {
          child.kill();
          resolve();
        }, 2000).unref();
      });
    }
  }
}

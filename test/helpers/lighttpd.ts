/**
 * The real lighttpd 1.4.69 as an oracle for differential tests: start `/usr/sbin/lighttpd -D -f` on a
 * free loopback port with given config text, wait until it accepts connections, stop it (SIGTERM) in
 * `t.after`. `@PORT@`, `@PORT2@` and `@DIR@` in the text are replaced.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { canConnect } from './wait.js';

/** Path of the oracle binary. */
export const LIGHTTPD_BIN = '/usr/sbin/lighttpd';

/** Whether the oracle is installed here. */
export function lighttpdAvailable(): boolean {
  return existsSync(LIGHTTPD_BIN);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A `lighttpd -D -f conf` child: its stderr so far, whether it has exited, and a stop that waits for the exit. */
export interface LighttpdChild {
  readonly stderr: () => string;
  readonly exited: () => boolean;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. */
  readonly stop: () => Promise<void>;
  /** Sends a signal (SIGINT: graceful shutdown, SIGUSR1: graceful restart). */
  readonly signal: (sig: NodeJS.Signals) => void;
  /** Settles when the process has exited. */
  readonly whenExited: Promise<void>;
}

/** Spawns `lighttpd -D -f conf` in `cwd` (with `env` when given, else this process's environment). */
export function spawnLighttpd(conf: string, cwd: string, env?: Readonly<Record<string, string>>): LighttpdChild {
  const child = spawn(LIGHTTPD_BIN, ['-D', '-f', conf], { cwd, ...(env ? { env } : {}), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  return {
    stderr: () => err,
    exited: () => exited,
    signal: (sig) => {
      if (!exited) child.kill(sig);
    },
    whenExited: exit,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** A running lighttpd. */
export interface LighttpdInstance {
  readonly port: number;
  /** Second free port (for `$SERVER["socket"]` tests), whether or not the config uses it. */
  readonly port2: number;
  readonly base: string;
  readonly dir: string;
  /** stderr so far (the error log with -D when server.errorlog is unset). */
  stderr(): string;
  stop(): Promise<void>;
  /** Sends a signal to the server (see LighttpdChild). */
  signal(sig: NodeJS.Signals): void;
  readonly whenExited: Promise<void>;
}

/** Options: an existing directory to use (else a fresh temp dir), startup bound in ms. */
export interface LighttpdOptions {
  readonly dir?: string;
  readonly timeoutMs?: number;
}

/** Starts lighttpd with the config text; rejects with its stderr if it exits or does not listen in time. */
export async function startLighttpd(t: TestContext, configText: string, o: LighttpdOptions = {}): Promise<LighttpdInstance> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'lighttpd-'));
  if (!o.dir) t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const port2 = await freePort();
  const text = configText.replaceAll('@PORT2@', String(port2)).replaceAll('@PORT@', String(port)).replaceAll('@DIR@', dir);
  const conf = join(dir, 'lighttpd-oracle.conf');
  writeFileSync(conf, text);
  const child = spawnLighttpd(conf, dir);
  const stop = child.stop;
  t.after(stop);
  const deadline = Date.now() + (o.timeoutMs ?? 5000);
  while (!(await canConnect(port))) {
    if (child.exited()) throw new Error(`lighttpd exited at startup: ${child.stderr()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`lighttpd did not listen on ${port}: ${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, port2, base: `http://127.0.0.1:${port}`, dir, stderr: child.stderr, stop, signal: child.signal, whenExited: child.whenExited };
}

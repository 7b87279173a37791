/**
 * Starting the two servers of the corpus serving differential on one prepared copy each: the real
 * lighttpd 1.4.69 as a child process (cwd = the copy, the entry's environment) and tswstunnel in this
 * process (the real reader with the same cwd and environment). A server that cannot start gives its
 * reason instead of a port.
 */
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { startServer } from '../../src/main.js';
import { spawnLighttpd } from './lighttpd.js';
import type { PreparedCopy } from './corpus-entry.js';
import { canConnect } from './wait.js';

/** A started server, or why it did not start. */
export type Started = { readonly ok: true; readonly port: number; stop(): Promise<void>; log(): string } | { readonly ok: false; readonly reason: string };

/** The lines that say why a start failed (not warnings, notes or the start line). */
function firstLines(text: string): string {
  const lines = text.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: /gm, '').trim().split('\n');
  const significant = lines.filter((l) => l.trim() !== '' && !/warning|deprecated|server started|slated for removal|Replace in|include "|^\s/i.test(l));
  return significant.slice(0, 2).join(' / ');
}

/** Starts `lighttpd -D -f main` and waits until `port` accepts connections. */
export async function startOracle(copy: PreparedCopy, port: number): Promise<Started> {
  const child = spawnLighttpd(copy.main, copy.dir, copy.env);
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (child.exited() || Date.now() > deadline) {
      await child.stop();
      return { ok: false, reason: firstLines(child.stderr()) || 'did not listen' };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // a backend that fails to spawn stops lighttpd just after it began listening
  await new Promise((r) => setTimeout(r, 150));
  if (child.exited()) return { ok: false, reason: firstLines(child.stderr()) || 'exited after listening' };
  return { ok: true, port, stop: child.stop, log: child.stderr };
}

/** Reads the copy with tswstunnel's reader and starts the server in this process. */
export async function startTsw(copy: PreparedCopy, port: number): Promise<Started> {
  const loaded = loadConfig({ file: copy.main, cwd: copy.dir, env: copy.env });
  if (!loaded.tree) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d));
    return { ok: false, reason: errors.slice(0, 2).join(' / ') };
  }
  const err = new PassThrough();
  let log = '';
  err.on('data', (d: Buffer) => (log += d.toString()));
  try {
    const server = await startServer(loaded.tree, { foreground: true, stderr: err });
    if (!server.listeners.some((l) => l.port === port)) {
      await server.close();
      return { ok: false, reason: `not listening on ${port}` };
    }
    return { ok: true, port, stop: () => server.close(), log: () => log };
  } catch (e) {
    return { ok: false, reason: `${e instanceof Error ? e.message : String(e)} ${firstLines(log)}`.trim() };
  }
}

/**
 * The server under test, chosen with E2E_SERVER: `tswstunnel` (default), or a reference server used to
 * validate the harness itself: `lighttpd` (the real 1.4.69) or `websockify` (noVNC's own proxy).
 */
import { join } from 'node:path';
import { EXAMPLES_DIR, FIXTURES_DIR, NOVNC_DIR, REPO_ROOT } from './paths.js';
import { startProcess, type ManagedProcess, type StartOptions } from './process.js';
import { assertPortFree, canConnect, waitFor } from './wait.js';

/** Which program serves the examples. */
export type ServerKind = 'tswstunnel' | 'lighttpd' | 'websockify';

const KINDS: readonly ServerKind[] = ['tswstunnel', 'lighttpd', 'websockify'];

/** Reads E2E_SERVER (default tswstunnel); an unknown value is an error, not a silent default. */
export function serverKindFromEnv(env: NodeJS.ProcessEnv = process.env): ServerKind {
  const raw = env['E2E_SERVER'] ?? 'tswstunnel';
  const kind = KINDS.find((k) => k === raw);
  if (!kind) throw new Error(`E2E_SERVER=${raw} is not one of ${KINDS.join(', ')}`);
  return kind;
}

/** Starts `lighttpd -D -f conf` or `tswstunnel -D -f conf`, the same command line for both. */
function startLighttpdLike(kind: 'tswstunnel' | 'lighttpd', name: string, conf: string, opts: StartOptions): Promise<ManagedProcess> {
  return kind === 'lighttpd'
    ? startProcess(name, 'lighttpd', ['-D', '-f', conf], opts)
    : startProcess(name, process.execPath, [join(REPO_ROOT, 'bin', 'tswstunnel'), '-D', '-f', conf], opts);
}

/** Waits (bounded) until the process accepts TCP connections on 127.0.0.1:port; fails early if it exits. */
export async function waitUntilListening(proc: ManagedProcess, port: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(`${proc.name} to listen on 127.0.0.1:${port}`, async () => {
    proc.assertRunning();
    return (await canConnect(port)) ? true : undefined;
  }, timeoutMs, () => proc.describe());
}

/**
 * Serves noVNC and tunnels /websockify to 127.0.0.1:5900 on the given port.
 * tswstunnel: examples/novnc.conf verbatim through test/e2e/fixtures/novnc.conf (adds bind and port).
 * lighttpd: the same, plus a mimetype.assign (fixtures/novnc-lighttpd.conf), since 1.4.69 has no MIME table.
 * websockify: `websockify --web /usr/share/novnc 127.0.0.1:PORT localhost:5900`.
 */
export async function startNovncServer(kind: ServerKind, port: number): Promise<ManagedProcess> {
  await assertPortFree(port, kind);
  let proc: ManagedProcess;
  if (kind === 'websockify') {
    proc = await startProcess('websockify', 'websockify', ['--web', NOVNC_DIR, `127.0.0.1:${port}`, 'localhost:5900']);
  } else {
    const conf = join(FIXTURES_DIR, kind === 'lighttpd' ? 'novnc-lighttpd.conf' : 'novnc.conf');
    // The fixture includes "../../../examples/novnc.conf": lighttpd resolves "../" against the cwd.
    proc = await startLighttpdLike(kind, kind, conf, { cwd: FIXTURES_DIR, env: { ...process.env, E2E_PORT: String(port) } });
  }
  try {
    await waitUntilListening(proc, port);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/** The fixed ports of the echo example: the proxy (page connects here) and the wstunnel behind it. */
export const ECHO_PORTS = { proxy: 8080, wstunnel: 8081 } as const;

/**
 * Starts the echo chain verbatim: examples/lighttpd-wstunnel.conf on :8081 (spawns /dev/shm/echo.pl),
 * then examples/lighttpd-proxy.conf on :8080. Returns the processes in start order.
 */
export async function startEchoChain(kind: ServerKind): Promise<ManagedProcess[]> {
  if (kind === 'websockify') {
    throw new Error('E2E_SERVER=websockify has no equivalent of the echo chain (no mod_proxy, no spawned bin-path backend, binary frames only); run only the noVNC scenario with --test-name-pattern=noVNC');
  }
  await assertPortFree(ECHO_PORTS.wstunnel, `${kind} with examples/lighttpd-wstunnel.conf`);
  await assertPortFree(ECHO_PORTS.proxy, `${kind} with examples/lighttpd-proxy.conf`);
  const procs: ManagedProcess[] = [];
  try {
    const tunnel = await startLighttpdLike(kind, `${kind} (lighttpd-wstunnel.conf)`, join(EXAMPLES_DIR, 'lighttpd-wstunnel.conf'), { cwd: EXAMPLES_DIR });
    procs.push(tunnel);
    await waitUntilListening(tunnel, ECHO_PORTS.wstunnel);
    const proxy = await startLighttpdLike(kind, `${kind} (lighttpd-proxy.conf)`, join(EXAMPLES_DIR, 'lighttpd-proxy.conf'), { cwd: EXAMPLES_DIR });
    procs.push(proxy);
    await waitUntilListening(proxy, ECHO_PORTS.proxy);
    return procs;
  } catch (err) {
    for (const p of procs.reverse()) await p.stop();
    throw err;
  }
}

/**
 * The WebSocket servers under test and how to start each one with an equivalent setup: a tunnel on
 * `/ws` to one TCP backend on loopback, binary frames, one process (lighttpd `server.max-worker = 0`).
 * tswstunnel and lighttpd read the very same lighttpd.conf.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type Tools } from './env.js';
import { freePort, startPinned, stopChild, waitForLine, waitForPort, type Child } from './proc.js';

/** The columns of the WebSocket table. */
export type TargetId = 'direct' | 'tswstunnel' | 'lighttpd' | 'websockify';

/** What a target needs to start. */
export interface StartContext {
  readonly tools: Tools;
  /** CPU list for the server (taskset), undefined = unpinned. */
  readonly cpus: string | undefined;
  /** The backend the tunnel connects to (unused by `direct`). */
  readonly backendPort: number;
  /** `direct` has no backend: it plays the backend's role itself. */
  readonly backendMode: 'echo' | 'flood';
  /** A scratch directory for configs and logs. */
  readonly dir: string;
}

/** A server that accepted its port. */
export interface Running {
  readonly port: number;
  readonly path: string;
  /** The process whose tree is measured for memory. */
  readonly pid: number;
  readonly child: Child;
}

/** A server that could not be started, and why (shown in its column). */
export interface Unavailable {
  readonly unavailable: string;
}

/** One column: how to start it. */
export interface Target {
  readonly id: TargetId;
  readonly label: string;
  start(ctx: StartContext): Promise<Running | Unavailable>;
}

const START_TIMEOUT_MS = 20_000;

/** The lighttpd.conf both lighttpd and tswstunnel run: one wstunnel on /ws, one worker. */
export function wstunnelConf(port: number, backendPort: number, dir: string): string {
  return [
    `server.document-root = "${dir}"`,
    `server.bind = "127.0.0.1"`,
    `server.port = ${port}`,
    `server.modules = ( "mod_wstunnel" )`,
    `server.max-worker = 0`,
    `server.max-fds = 16384`,
    `server.max-connections = 8192`,
    `server.errorlog = "${join(dir, 'error.log')}"`,
    `wstunnel.server = ( "/ws" => ( ( "host" => "127.0.0.1", "port" => ${backendPort} ) ) )`,
    // lighttpd 1.4.69 then always answers "Sec-WebSocket-Protocol: binary"; the client offers it
    `wstunnel.frame-type = "binary"`,
    '',
  ].join('\n');
}

async function startFromChild(child: Child, port: number, path: string): Promise<Running | Unavailable> {
  if (await waitForPort(port, START_TIMEOUT_MS, child)) return { port, path, pid: child.pid, child };
  const why = child.output().trim().split('\n').slice(-2).join(' / ');
  await stopChild(child, 500);
  return { unavailable: why === '' ? 'did not listen' : why.slice(0, 160) };
}

/** The C WebSocket echo/flood server itself, with no backend hop: the client's ceiling. */
export const direct: Target = {
  id: 'direct',
  label: 'direct C WS server (client ceiling)',
  async start(ctx) {
    const child = startPinned(ctx.cpus, ctx.tools.echo, ['-p', '0', '-m', ctx.backendMode === 'echo' ? 'ws-echo' : 'ws-flood']);
    try {
      const m = await waitForLine(child, /listening (\d+)/, START_TIMEOUT_MS);
      return { port: Number(m[1]), path: '/ws', pid: child.pid, child };
    } catch (err) {
      await stopChild(child, 500);
      return { unavailable: (err as Error).message };
    }
  },
};

/** Writes the lighttpd.conf for a free port; both lighttpd and tswstunnel run it. */
export type ConfWriter = (port: number, ctx: StartContext) => string;

/** lighttpd 1.4.69 (`lighttpd -D -f conf`) on the config `conf` writes. */
export function lighttpdWith(conf: ConfWriter): Target {
  return {
    id: 'lighttpd',
    label: 'lighttpd 1.4.69',
    async start(ctx) {
      const port = await freePort();
      const file = join(ctx.dir, 'lighttpd.conf');
      writeFileSync(file, conf(port, ctx));
      return startFromChild(startPinned(ctx.cpus, 'lighttpd', ['-D', '-f', file]), port, '/ws');
    },
  };
}

/**
 * tswstunnel (`node bin/tswstunnel -D -f conf`, built by `npm run build`) on the same config; `root`:
 * the checkout to run (default TSWSTUNNEL_ROOT, else this one: e.g. a branch before it lands).
 */
export function tswstunnelWith(conf: ConfWriter, root?: string, label = 'tswstunnel'): Target {
  return {
    id: 'tswstunnel',
    label,
    async start(ctx) {
      const dir = root ?? process.env['TSWSTUNNEL_ROOT'] ?? REPO_ROOT;
      if (!existsSync(join(dir, 'dist', 'src', 'cli.js'))) return { unavailable: `not built (npm run build in ${dir})` };
      const port = await freePort();
      const file = join(ctx.dir, `tswstunnel-${port}.conf`);
      writeFileSync(file, conf(port, ctx));
      const bin = join(dir, 'bin', 'tswstunnel');
      return startFromChild(startPinned(ctx.cpus, process.execPath, [bin, '-D', '-f', file], dir), port, '/ws');
    },
  };
}

const wsConf: ConfWriter = (port, ctx) => wstunnelConf(port, ctx.backendPort, ctx.dir);

/** lighttpd 1.4.69 with mod_wstunnel. */
export const lighttpd = lighttpdWith(wsConf);

/** tswstunnel on the same lighttpd.conf. */
export const tswstunnel = tswstunnelWith(wsConf);

/** tswstunnel from another checkout (`root`, built) on the same lighttpd.conf, for paired comparisons. */
export function tswstunnelAt(root: string, label: string): Target {
  return tswstunnelWith(wsConf, root, label);
}

/** websockify (Python) relaying to the backend; it forks one process per connection. */
export const websockify: Target = {
  id: 'websockify',
  label: 'websockify',
  async start(ctx) {
    const port = await freePort();
    const child = startPinned(ctx.cpus, 'websockify', [`127.0.0.1:${port}`, `127.0.0.1:${ctx.backendPort}`]);
    return startFromChild(child, port, '/ws');
  },
};

/** All columns, in table order. */
export const TARGETS: readonly Target[] = [direct, tswstunnel, lighttpd, websockify];

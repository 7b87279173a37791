/**
 * Signals for the CLI's server, as lighttpd 1.4.69 (http-core.md §13.3): SIGTERM stops at once, SIGINT
 * stops gracefully, SIGHUP reopens the log files, SIGUSR1 restarts gracefully with the config read
 * again. A handler for SIGUSR1 also keeps Node from opening its inspector on that signal (its default).
 *
 * A graceful restart: the config is read first, and if it does not load the running server goes on and
 * logs why. Otherwise the running generation stops as a graceful shutdown would, except that its
 * listening sockets stay open (new connections wait, as in the listen backlog) and go to the next
 * generation, started from the new config. If that cannot start, the old config is started again on
 * the same sockets; if even that fails, the process ends with status 255.
 */
import type { ConfigTree } from '../config/tree.js';
import type { ListenerHandover } from '../http1/server.js';
import type { RunningServer } from '../main.js';

/** How to start a generation and read the config again. */
export interface Generations {
  start(tree: ConfigTree, inherit: Map<string, ListenerHandover>): Promise<RunningServer>;
  /** The config read again; null when it did not load (each problem is passed to `report` first). */
  reload(report: (line: string) => void): ConfigTree | null;
  /** A generation that cannot start (the error log of the old one is closed by then). */
  startFailed(e: unknown): void;
}

/**
 * Starts the first generation from `firstTree` and runs it and its successors until the last one stops;
 * resolves to the exit status (255 when the first cannot start: `startFailed` has reported why). The
 * handlers are installed before the first start, so a signal that comes as soon as "server started" is
 * logged finds them; one that comes earlier is applied once the server runs.
 */
export async function runGenerations(firstTree: ConfigTree, g: Generations): Promise<number> {
  let tree = firstTree;
  /** Starting, or handing over to the next generation (the current one's stop is not the end). */
  let restarting = true;
  let pendingStop: 'SIGTERM' | 'SIGINT' | null = null;
  let shuttingDown = false;
  let finish: (status: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let current: RunningServer | null = null;

  const started = (gen: RunningServer): void => {
    current = gen;
    restarting = false;
    watch(gen);
    if (pendingStop === 'SIGTERM') void gen.close('SIGTERM');
    else if (pendingStop === 'SIGINT') {
      shuttingDown = true;
      void gen.shutdown('SIGINT');
    }
  };

  const watch = (gen: RunningServer): void => {
    void gen.stopped.then(() => {
      if (gen === current && !restarting) end(0);
    });
  };
  const end = (status: number): void => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
    process.off('SIGUSR1', onUsr1);
    finish(status);
  };

  const onTerm = (): void => {
    if (restarting || current === null) pendingStop = 'SIGTERM';
    else void current.close('SIGTERM');
  };
  const onInt = (): void => {
    if (restarting || current === null) {
      pendingStop ??= 'SIGINT';
      return;
    }
    // a second SIGINT while the graceful stop runs: stop at once
    if (shuttingDown) void current.close('SIGINT');
    else {
      shuttingDown = true;
      void current.shutdown('SIGINT');
    }
  };
  const onHup = (): void => {
    if (current === null) return;
    current.reopenLogs();
    current.log('server.c.1848', 'logfiles cycled');
  };
  const onUsr1 = (): void => {
    const gen = current;
    if (restarting || shuttingDown || gen === null) return;
    const next = g.reload((line) => gen.log('configfile.c.0', line));
    if (next === null) {
      gen.log('server.c.0', 'graceful restart cancelled: the config did not load; the running server goes on with the old one');
      return;
    }
    restarting = true;
    void restart(gen, next);
  };

  const restart = async (gen: RunningServer, next: ConfigTree): Promise<void> => {
    const sockets = await gen.handOver('SIGUSR1');
    let successor: RunningServer | null = null;
    for (const candidate of next === tree ? [next] : [next, tree]) {
      try {
        successor = await g.start(candidate, sockets);
        tree = candidate;
        break;
      } catch (e) {
        g.startFailed(e);
      }
    }
    if (successor === null) {
      for (const h of sockets.values()) {
        h.detach();
        h.net.close();
        for (const s of h.waiting) s.destroy();
      }
      end(255);
      return;
    }
    started(successor);
  };

  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  process.on('SIGUSR1', onUsr1);
  try {
    started(await g.start(tree, new Map()));
  } catch (e) {
    g.startFailed(e);
    end(255);
  }
  return done;
}

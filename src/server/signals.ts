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

/** Runs `first` and its successors until the last one stops; resolves to the exit status. */
export function runGenerations(first: RunningServer, firstTree: ConfigTree, g: Generations): Promise<number> {
  let current = first;
  let tree = firstTree;
  /** The current generation is handing over to the next (its stop is not the end). */
  let restarting = false;
  let pendingStop: 'SIGTERM' | 'SIGINT' | null = null;
  let shuttingDown = false;
  let finish: (status: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

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
    if (restarting) pendingStop = 'SIGTERM';
    else void current.close('SIGTERM');
  };
  const onInt = (): void => {
    if (restarting) {
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
    current.reopenLogs();
    current.log('server.c.1848', 'logfiles cycled');
  };
  const onUsr1 = (): void => {
    if (restarting || shuttingDown) return;
    const next = g.reload((line) => current.log('configfile.c.0', line));
    if (next === null) {
      current.log('server.c.0', 'graceful restart cancelled: the config did not load; the running server goes on with the old one');
      return;
    }
    restarting = true;
    void restart(next);
  };

  const restart = async (next: ConfigTree): Promise<void> => {
    const sockets = await current.handOver('SIGUSR1');
    let started: RunningServer | null = null;
    for (const candidate of next === tree ? [next] : [next, tree]) {
      try {
        started = await g.start(candidate, sockets);
        tree = candidate;
        break;
      } catch (e) {
        g.startFailed(e);
      }
    }
    if (started === null) {
      for (const h of sockets.values()) {
        h.detach();
        h.net.close();
        for (const s of h.waiting) s.destroy();
      }
      restarting = false;
      end(255);
      return;
    }
    current = started;
    restarting = false;
    watch(started);
    if (pendingStop === 'SIGTERM') void started.close('SIGTERM');
    else if (pendingStop === 'SIGINT') {
      shuttingDown = true;
      void started.shutdown('SIGINT');
    }
  };

  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  process.on('SIGUSR1', onUsr1);
  watch(first);
  return done;
}

/**
 * A module loader hook (node:module register) for low descriptor limits: Node's ESM loader reads every
 * module of the graph at once, one open file each, so under `ulimit -n 64` it fails with EMFILE before
 * the program runs. This hook lets at most LOADS_AT_ONCE module loads run together.
 */
import type { LoadHook } from 'node:module';

const LOADS_AT_ONCE = 4;
let running = 0;
const queued: (() => void)[] = [];

function acquire(): Promise<void> {
  if (running < LOADS_AT_ONCE) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => queued.push(resolve));
}

function release(): void {
  const next = queued.shift();
  if (next) next();
  else running--;
}

export const load: LoadHook = async (url, context, nextLoad) => {
  await acquire();
  try {
    return await nextLoad(url, context);
  } finally {
    release();
  }
};

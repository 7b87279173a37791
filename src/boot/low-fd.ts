/**
 * Run by the command's shim before the program loads. Under a low open-files limit the module loads go
 * through load-gate.ts (a few at a time) so that the program can start at all; below MIN_FDS it does not
 * try (Node itself needs ~20 descriptors and crashes or hangs without them) and says so.
 */
import { register } from 'node:module';
import { openFilesLimit } from './fd-limit.js';

/** Below this limit the loads are gated (the program has ~300 modules; Node itself keeps ~20 descriptors). */
const GATE_BELOW = 512;
/** The least limit tswstunnel starts with (lighttpd's own floor for server.max-fds is 32 too). */
export const MIN_FDS = 32;

/** Why the program cannot start under this descriptor limit, or null when it can. */
export function fdLimitProblem(limit = openFilesLimit()): string | null {
  if (limit === null || limit >= MIN_FDS) return null;
  return `the open files limit (ulimit -n) is ${limit}; tswstunnel needs at least ${MIN_FDS}`;
}

/** Gates module loading when the descriptor limit is low; returns whether it did. */
export function gateLoadsIfLowFds(limit = openFilesLimit()): boolean {
  if (limit === null || limit >= GATE_BELOW) return false;
  register(new URL('./load-gate.js', import.meta.url));
  return true;
}

/** The message for a load that failed for lack of descriptors, or null for any other failure. */
export function loadFailure(e: unknown): string | null {
  if (typeof e !== 'object' || e === null || !('code' in e) || (e.code !== 'EMFILE' && e.code !== 'ENFILE')) return null;
  const limit = openFilesLimit();
  return `too few file descriptors to start (ulimit -n ${limit ?? '?'}): ${e instanceof Error ? e.message : e.code}`;
}

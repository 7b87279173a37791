/**
 * The core keys lighttpd validates while reading (config-language.md §10, config-keys-1.4.69.md).
 */
import type { EvalContext, MutableBlock } from './eval-context.js';

/** Runs the core key checks over all blocks (scope warnings, type errors, -p-visible rewrites). */
export function checkCoreKeys(_blocks: readonly MutableBlock[], _ctx: EvalContext): void {
  // filled in by the core-key tables
}

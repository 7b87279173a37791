/**
 * One `server.feature-flags` boolean, read as lighttpd's config_feature_bool does (enable/enabled/true/1
 * and disable/disabled/false/0 in any case, or an integer): for the modules that read a flag.
 */
import { findEntry, type ConfigBlock } from './tree.js';

/** The flag's value in the global block, or `dflt` when it is not set or not a boolean. */
export function featureEnabled(global: ConfigBlock, name: string, dflt: boolean): boolean {
  const flags = findEntry(global, 'server.feature-flags')?.value;
  if (flags?.type !== 'array') return dflt;
  const v = flags.items.find((i) => i.key !== null && i.key.toLowerCase() === name)?.value;
  if (v?.type === 'integer') return v.value !== 0;
  if (v?.type !== 'string') return dflt;
  const s = v.value.toLowerCase();
  if (['enable', 'enabled', 'true', '1'].includes(s)) return true;
  if (['disable', 'disabled', 'false', '0'].includes(s)) return false;
  return dflt;
}

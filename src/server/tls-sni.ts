/**
 * SNI certificate selection (http-core.md §12.2): `ssl.pemfile` / `ssl.privkey` / `ssl.ca-file` (and the
 * client certificate keys, `ssl.verifyclient.*`, `ssl.ca-dn-file`, `ssl.ca-crl-file`) inside
 * `$HTTP["host"]` blocks pick the certificate and client check for a TLS client whose server name matches, the name
 * standing in for the Host. Supported are blocks reached from the global block through `$HTTP["host"]`
 * conditions only (optionally inside this listener's `$SERVER["socket"] == "…"` block), not members of
 * else chains; the last matching block wins, as later blocks override earlier ones in lighttpd.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { findEntry, type ConfigBlock, type ConfigTree, type Condition } from '../config/tree.js';
import { readTlsSettings, type TlsSettings } from './tls-options.js';

/** One certificate choice: the host conditions (outermost first) and the settings they select. */
export interface SniRule {
  readonly conditions: readonly Condition[];
  readonly settings: TlsSettings;
}

/**
 * Keys the listeners read for the handshake (certificate, client certificate check), only from the
 * global, `$SERVER["socket"] ==` and SNI `$HTTP["host"]` blocks.
 */
export const HANDSHAKE_KEYS: readonly string[] = [
  'ssl.pemfile',
  'ssl.privkey',
  'ssl.ca-file',
  'ssl.ca-dn-file',
  'ssl.ca-crl-file',
  'ssl.verifyclient.ca-file',
  'ssl.verifyclient.ca-dn-file',
  'ssl.verifyclient.ca-crl-file',
  'ssl.verifyclient.enforce',
  'ssl.verifyclient.depth',
];

/** Keys a host block can set for the handshake: the above, and whether client certificates are asked for. */
const CERT_KEYS = [...HANDSHAKE_KEYS, 'ssl.verifyclient.activate'];

/** Whether the block sets one of the handshake keys (certificate or client verification). */
export function setsCertificate(block: ConfigBlock): boolean {
  return CERT_KEYS.some((k) => findEntry(block, k) !== undefined);
}

/**
 * The blocks from the global one down to `block` (global excluded), when every one of them is a plain
 * `$HTTP["host"]` or `$SERVER["socket"] ==` block and at least one is a host block; else null.
 */
export function sniPath(block: ConfigBlock): ConfigBlock[] | null {
  const path: ConfigBlock[] = [];
  for (let b: ConfigBlock | null = block; b !== null && b.condition !== null; b = b.parent) {
    const c = b.condition;
    if (b.isPlainElse || b.elsePrev !== null) return null;
    if (c.field !== 'host' && !(c.field === 'socket' && c.op === '==')) return null;
    path.unshift(b);
  }
  return path.some((b) => b.condition?.field === 'host') ? path : null;
}

/** The SNI rules for the listener with `token`, whose own settings are `base`. */
export function sniRules(tree: ConfigTree, token: string, base: TlsSettings, report: DiagnosticSink): SniRule[] {
  const rules: SniRule[] = [];
  for (const block of tree.blocks) {
    if (block.condition?.field !== 'host' || !setsCertificate(block)) continue;
    const path = sniPath(block);
    if (path === null) continue;
    if (path.some((b) => b.condition?.field === 'socket' && b.condition.value !== token)) continue;
    let settings = base;
    for (const b of path) settings = readTlsSettings(b, report, settings);
    rules.push({ conditions: path.flatMap((b) => (b.condition?.field === 'host' ? [b.condition] : [])), settings: { ...settings, engine: true } });
  }
  return rules;
}

function matchesName(c: Condition, name: string): boolean {
  switch (c.op) {
    case '==':
      return name === c.value.toLowerCase();
    case '!=':
      return name !== c.value.toLowerCase();
    case '=^':
      return name.startsWith(c.value);
    case '!^':
      return !name.startsWith(c.value);
    case '=$':
      return name.endsWith(c.value);
    case '!$':
      return !name.endsWith(c.value);
    case '=~':
      return c.regex?.test(name) ?? false;
    case '!~':
      return !(c.regex?.test(name) ?? false);
  }
}

/** Whether a client's server name (lower-cased) satisfies every condition of the rule. */
export function sniMatches(rule: Pick<SniRule, 'conditions'>, name: string): boolean {
  return rule.conditions.every((c) => matchesName(c, name));
}

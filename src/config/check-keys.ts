/**
 * The `-tt` pre-flight checks on an evaluated config (cli-print.md §5.2, config-language.md §9 and §11):
 * the module list, every module key (type, owner module loaded and implemented), unknown keys with a
 * "did you mean", backend host entries, and `server.document-root` in the global block.
 *
 * Severity follows lighttpd: unknown or ignored keys are warnings; a bad value type, an unknown module or a
 * missing document root are errors (lighttpd -tt exits 255 on them).
 */
import type { Diagnostic, SourceLoc } from '../diagnostics.js';
import type { KeyType } from '../modules/module.js';
import {
  BACKEND_HOST_OPTIONS,
  CORE_CONNECTION_KEYS,
  CORE_NETWORK_KEYS,
  CORE_SERVER_KEYS,
  IMPLEMENTED_MODULES,
  LIGHTTPD_MODULES,
  type CatalogueModule,
} from './key-catalogue.js';
import { effectiveModules } from './module-list.js';
import { closestSpelling } from './suggest.js';
import { asciiLower, findEntry, type ConfigBlock, type ConfigEntry, type ConfigTree, type ConfigValue } from './tree.js';
import { describeKeyType, describeValue, valueHasType } from './value-types.js';

interface KeyOwner {
  readonly module: string;
  readonly type: KeyType;
}

/** Lower-cased key → the modules that claim it (TLS keys have several owners). */
const OWNERS: ReadonlyMap<string, readonly KeyOwner[]> = buildOwners(LIGHTTPD_MODULES);
/** Lower-cased core key → type (already type-checked while reading, except the network keys). */
const CORE: ReadonlyMap<string, KeyType> = new Map(
  [CORE_SERVER_KEYS, CORE_CONNECTION_KEYS].flatMap((t) => Object.entries(t).map(([k, s]) => [asciiLower(k), s.type] as const)),
);
const NETWORK: ReadonlyMap<string, KeyType> = new Map(Object.entries(CORE_NETWORK_KEYS).map(([k, s]) => [asciiLower(k), s.type]));
const HOST_OPTIONS: ReadonlyMap<string, KeyType> = new Map(Object.entries(BACKEND_HOST_OPTIONS).map(([k, s]) => [k, s.type]));
const ALL_KEYS: readonly string[] = [...new Set([...CORE.keys(), ...NETWORK.keys(), ...OWNERS.keys()])];
const MODULE_NAMES: readonly string[] = LIGHTTPD_MODULES.map((m) => m.name);
/** Keys whose value is a list of backends checked by the shared gateway code. */
const BACKEND_KEYS = new Set(['proxy.server', 'wstunnel.server', 'fastcgi.server', 'scgi.server', 'ajp13.server', 'sockproxy.server']);

function buildOwners(modules: readonly CatalogueModule[]): Map<string, KeyOwner[]> {
  const owners = new Map<string, KeyOwner[]>();
  for (const m of modules) {
    for (const [key, spec] of Object.entries(m.keys)) {
      const k = asciiLower(key);
      const list = owners.get(k) ?? [];
      list.push({ module: m.name, type: spec.type });
      owners.set(k, list);
    }
  }
  return owners;
}

/** Every `-tt` diagnostic for a config that `loadConfig` accepted, in block order then key order. */
export function checkConfigKeys(tree: ConfigTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  const modules = effectiveModules(tree);
  checkModuleNames(tree, modules, out);
  if (findEntry(tree.global, 'server.document-root') === undefined) {
    out.push({ severity: 'error', code: 'TSW_CONFIG_NO_DOCROOT', message: 'server.document-root is not set in the global block' });
  }
  const loaded = new Set(modules);
  for (const block of tree.blocks) {
    for (const entry of block.entries) checkEntry(block, entry, loaded, out);
  }
  return out;
}

function checkModuleNames(tree: ConfigTree, modules: readonly string[], out: Diagnostic[]): void {
  const entry = findEntry(tree.global, 'server.modules');
  const loc = entry?.loc;
  for (const name of modules) {
    if (IMPLEMENTED_MODULES.has(name)) continue;
    if (MODULE_NAMES.includes(name)) {
      out.push(at(loc, 'warning', 'TSW_CONFIG_MODULE_NOT_IMPLEMENTED', `${name} is not implemented by tswstunnel; its keys are ignored`));
      continue;
    }
    const hint = closestSpelling(name, MODULE_NAMES);
    out.push(
      at(loc, 'error', 'TSW_CONFIG_UNKNOWN_MODULE', `unknown module "${name}" in server.modules${hint ? `; did you mean "${hint}"?` : ''}`),
    );
  }
}

function checkEntry(block: ConfigBlock, entry: ConfigEntry, loaded: ReadonlySet<string>, out: Diagnostic[]): void {
  const key = asciiLower(entry.key);
  if (key.startsWith('var.') || CORE.has(key)) return;
  const loc = entry.loc ?? entry.value.loc;
  const networkType = NETWORK.get(key);
  if (networkType !== undefined) {
    checkType(entry, networkType, loc, out);
    return;
  }
  const owners = OWNERS.get(key);
  if (owners === undefined) {
    if (key.startsWith('dir-listing.')) return; // lighttpd never reports these (config-language.md §11)
    const hint = closestSpelling(key, ALL_KEYS);
    const message = `unknown config key "${entry.key}" (ignored)${hint ? `; did you mean "${hint}"?` : ''}`;
    out.push(at(loc, 'warning', 'TSW_CONFIG_UNKNOWN_KEY', message));
    return;
  }
  const active = owners.find((o) => loaded.has(o.module) && IMPLEMENTED_MODULES.has(o.module));
  if (active !== undefined) {
    if (checkType(entry, active.type, loc, out) && BACKEND_KEYS.has(key)) checkBackends(entry, block, out);
    return;
  }
  const owner = owners[0]?.module ?? '';
  const message = !IMPLEMENTED_MODULES.has(owner)
    ? `config key "${entry.key}" is ignored: ${owner} is not implemented by tswstunnel`
    : `config key "${entry.key}" is ignored: ${owner} is not in server.modules`;
  out.push(at(loc, 'warning', 'TSW_CONFIG_IGNORED_KEY', message));
}

/** Reports a type error; returns whether the value had the right type. */
function checkType(entry: ConfigEntry, type: KeyType, loc: SourceLoc | undefined, out: Diagnostic[]): boolean {
  if (valueHasType(entry.value, type)) return true;
  const message = `"${entry.key}" should be ${describeKeyType(type)}, not ${describeValue(entry.value)}`;
  out.push(at(entry.value.loc ?? loc, 'error', 'TSW_CONFIG_BAD_VALUE_TYPE', message));
  return false;
}

/**
 * `( "ext" => ( host, … ) )` where a host is `( "option" => value, … )`, optionally named
 * (`"name" => ( … )`): each option must have its type, and each host needs `host`, `socket` or `bin-path`.
 */
function checkBackends(entry: ConfigEntry, block: ConfigBlock, out: Diagnostic[]): void {
  if (entry.value.type !== 'array') return;
  for (const ext of entry.value.items) {
    if (ext.value.type !== 'array') continue;
    for (const host of ext.value.items) checkHost(entry, ext.key ?? '', host.value, block, out);
  }
}

function checkHost(entry: ConfigEntry, ext: string, host: ConfigValue, block: ConfigBlock, out: Diagnostic[]): void {
  const where = `${entry.key} = ( "${ext}" => … )`;
  const loc = host.loc ?? entry.loc;
  if (host.type !== 'array' || host.items.some((it) => it.key === null)) {
    out.push(at(loc, 'error', 'TSW_CONFIG_BAD_BACKEND', `each backend in ${where} should be a list of "option" => value`));
    return;
  }
  const text = (name: string): string => {
    const it = host.items.find((i) => asciiLower(i.key ?? '') === name);
    return it?.value.type === 'string' ? it.value.value : '';
  };
  for (const it of host.items) {
    const option = asciiLower(it.key ?? '');
    const type = HOST_OPTIONS.get(option);
    if (type === undefined) {
      const hint = closestSpelling(option, HOST_OPTIONS.keys());
      const message = `unknown backend option "${it.key ?? ''}" in ${where} (ignored)${hint ? `; did you mean "${hint}"?` : ''}`;
      out.push(at(it.value.loc ?? loc, 'warning', 'TSW_CONFIG_UNKNOWN_BACKEND_OPTION', message));
    } else if (!valueHasType(it.value, type)) {
      const message = `backend option "${it.key ?? ''}" in ${where} should be ${describeKeyType(type)}, not ${describeValue(it.value)}`;
      out.push(at(it.value.loc ?? loc, 'error', 'TSW_CONFIG_BAD_VALUE_TYPE', message));
    }
  }
  if (text('host') === '' && text('socket') === '' && text('bin-path') === '') {
    const message = `a backend in ${where} has no address: set "host", "socket" or "bin-path"${block.id === 0 ? '' : ` (block ${block.id})`}`;
    out.push(at(loc, 'error', 'TSW_CONFIG_BACKEND_NO_ADDRESS', message));
  }
}

function at(loc: SourceLoc | undefined, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return loc === undefined ? { severity, code, message } : { severity, code, message, loc };
}

/**
 * The module list lighttpd actually loads from `server.modules` (http-core.md §1.3,
 * config-language.md §9): duplicates removed, then with `server.compat-module-load` (default) mod_indexfile
 * prepended / removed, mod_dirlisting appended / removed, mod_staticfile appended, mod_authn_file added
 * for file auth backends, mod_compress folded into mod_deflate.
 */
import type { ConfigTree, ConfigValue } from '../config/tree.js';
import { asciiLower } from '../config/tree.js';
import { parseBool } from '../server/read-values.js';

/** The resolved list plus the warnings lighttpd prints about it. */
export interface ModuleList {
  readonly names: readonly string[];
  readonly warnings: readonly string[];
}

function anyBlockHas(tree: ConfigTree, test: (key: string, value: ConfigValue) => boolean): boolean {
  return tree.blocks.some((b) => b.entries.some((e) => test(asciiLower(e.key), e.value)));
}

function isSetList(v: ConfigValue): boolean {
  return v.type === 'array' ? v.items.length > 0 : v.type === 'string' ? v.value !== '' : true;
}

/** Applies lighttpd's compat edits to the listed modules. */
export function resolveModuleList(listed: readonly string[], tree: ConfigTree, compat: boolean): ModuleList {
  const warnings: string[] = [];
  const names: string[] = [];
  for (const n of listed) if (!names.includes(n)) names.push(n);
  if (compat) {
    const hasIndex = anyBlockHas(tree, (k, v) => (k === 'index-file.names' || k === 'server.indexfiles') && isSetList(v));
    const idx = names.indexOf('mod_indexfile');
    if (hasIndex && idx < 0) names.unshift('mod_indexfile');
    if (!hasIndex && idx >= 0) names.splice(idx, 1);
    const hasListing = anyBlockHas(tree, (k, v) => (k === 'dir-listing.activate' || k === 'server.dir-listing') && parseBool(v) === true);
    const dl = names.indexOf('mod_dirlisting');
    if (hasListing && dl < 0) names.push('mod_dirlisting');
    if (!hasListing && dl >= 0) names.splice(dl, 1);
    if (!names.includes('mod_staticfile')) names.push('mod_staticfile');
    if (names.includes('mod_auth') && !names.includes('mod_authn_file')) {
      const fileBackend = anyBlockHas(tree, (k, v) => k === 'auth.backend' && v.type === 'string' && ['plain', 'htpasswd', 'htdigest'].includes(v.value));
      if (fileBackend) {
        names.push('mod_authn_file');
        warnings.push('Warning: please add "mod_authn_file" to server.modules list in lighttpd.conf.');
      }
    }
    if (!names.includes('mod_auth') && names.some((n) => n.startsWith('mod_authn_'))) names.unshift('mod_auth');
    if (!names.includes('mod_vhostdb') && names.some((n) => n.startsWith('mod_vhostdb_'))) names.unshift('mod_vhostdb');
  }
  const comp = names.indexOf('mod_compress');
  if (comp >= 0) {
    const hasCompressKeys = anyBlockHas(tree, (k) => k.startsWith('compress.'));
    if (hasCompressKeys) warnings.push('Warning: "mod_compress" is DEPRECATED and has been replaced with "mod_deflate".');
    if (names.includes('mod_deflate') || !hasCompressKeys) names.splice(comp, 1);
    else names[comp] = 'mod_deflate';
  }
  const handlers = ['mod_ajp13', 'mod_cgi', 'mod_fastcgi', 'mod_proxy', 'mod_scgi', 'mod_sockproxy', 'mod_wstunnel'];
  const auth = names.indexOf('mod_auth');
  if (auth >= 0) {
    const before = names.slice(0, auth).find((n) => handlers.includes(n));
    if (before) warnings.push(`Warning: mod_auth should be listed in server.modules before dynamic backends such as ${before}`);
  }
  const ix = names.indexOf('mod_indexfile');
  if (ix >= 0) {
    const before = names.slice(0, ix).find((n) => handlers.includes(n) || n === 'mod_staticfile' || n === 'mod_dirlisting');
    if (before) warnings.push(`Warning: mod_indexfile should be listed in server.modules prior to ${before}`);
  }
  return { names, warnings };
}

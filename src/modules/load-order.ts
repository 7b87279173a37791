/**
 * The module list lighttpd actually loads from `server.modules` (http-core.md §1.3,
 * config-language.md §9): duplicates removed, then with `server.compat-module-load` (default) mod_indexfile
 * prepended / removed, mod_dirlisting appended / removed, mod_staticfile appended, mod_authn_file added
 * for file auth backends, mod_compress folded into mod_deflate.
 */
import type { ConfigTree, ConfigValue } from '../config/tree.js';
import { asciiLower } from '../config/tree.js';
import { applyCompat, foldCompress, TLS_MODULES } from '../config/module-list.js';

/** The resolved list plus the warnings lighttpd prints about it. */
export interface ModuleList {
  readonly names: readonly string[];
  readonly warnings: readonly string[];
}

function anyBlockHas(tree: ConfigTree, test: (key: string, value: ConfigValue) => boolean): boolean {
  return tree.blocks.some((b) => b.entries.some((e) => test(asciiLower(e.key), e.value)));
}


/** Applies lighttpd's compat edits to the listed modules (shared with `-tt`: src/config/module-list.ts). */
export function resolveModuleList(listed: readonly string[], tree: ConfigTree, compat: boolean): ModuleList {
  const warnings: string[] = [];
  const unique: string[] = [];
  for (const n of listed) if (!unique.includes(n)) unique.push(n);
  const names = compat ? applyCompat(unique, tree.blocks) : foldCompress(unique, tree.blocks);
  if (compat && names.includes('mod_authn_file') && !unique.includes('mod_authn_file')) {
    warnings.push('Warning: please add "mod_authn_file" to server.modules list in lighttpd.conf.');
  }
  if (compat && !TLS_MODULES.some((m) => unique.includes(m)) && names.includes('mod_openssl')) {
    warnings.push('Warning: please add "mod_openssl" to server.modules list in lighttpd.conf.  A future release of lighttpd 1.4.x *will not* automatically load mod_openssl and lighttpd *will not* use SSL/TLS where your lighttpd.conf contains ssl.* directives');
  }
  if (unique.includes('mod_compress') && anyBlockHas(tree, (k) => k.startsWith('compress.'))) {
    warnings.push('Warning: "mod_compress" is DEPRECATED and has been replaced with "mod_deflate".');
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

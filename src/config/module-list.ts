/**
 * The list of modules lighttpd 1.4.69 would load for a config (config-language.md §9): the global
 * `server.modules`, de-duplicated, plus the "compat module load" additions and removals.
 */
import { asciiLower, findEntry, type ConfigBlock, type ConfigTree, type ConfigValue } from './tree.js';
import { valueHasType } from './value-types.js';

/** The TLS modules; listing none while using `ssl.*` keys makes lighttpd add mod_openssl. */
export const TLS_MODULES: readonly string[] = ['mod_openssl', 'mod_gnutls', 'mod_mbedtls', 'mod_nss', 'mod_wolfssl'];

const AUTHN_FILE_BACKENDS = new Set(['htdigest', 'htpasswd', 'plain']);

/** The loaded module list, in load order. */
export function effectiveModules(tree: ConfigTree): string[] {
  const listed: string[] = [];
  const modules = findEntry(tree.global, 'server.modules')?.value;
  if (modules?.type === 'array') {
    for (const it of modules.items) {
      if (it.value.type === 'string' && !listed.includes(it.value.value)) listed.push(it.value.value);
    }
  }
  const compat = findEntry(tree.global, 'server.compat-module-load')?.value;
  if (compat !== undefined && isFalse(compat)) return foldCompress(listed, tree.blocks);
  return applyCompat(listed, tree.blocks);
}

/**
 * lighttpd's "compat module load" edits of a de-duplicated module list (mod_indexfile, mod_dirlisting,
 * mod_staticfile, mod_openssl, mod_authn_file, mod_auth, mod_vhostdb), then foldCompress.
 */
export function applyCompat(listed: readonly string[], blocks: readonly ConfigBlock[]): string[] {
  let out = [...listed];
  const anyBlock = (test: (key: string, v: ConfigValue) => boolean): boolean =>
    blocks.some((b) => b.entries.some((e) => test(asciiLower(e.key), e.value)));

  const wantsIndex = anyBlock(
    (k, v) => (k === 'index-file.names' || k === 'server.indexfiles') && (v.type === 'array' ? v.items.length > 0 : isTrue(v)),
  );
  if (!wantsIndex) out = out.filter((m) => m !== 'mod_indexfile');
  else if (!out.includes('mod_indexfile')) out.unshift('mod_indexfile');

  const wantsListing = anyBlock((k, v) => (k === 'dir-listing.activate' || k === 'server.dir-listing') && isTrue(v));
  if (!wantsListing) out = out.filter((m) => m !== 'mod_dirlisting');
  else if (!out.includes('mod_dirlisting')) out.push('mod_dirlisting');

  if (!out.includes('mod_staticfile')) out.push('mod_staticfile');

  if (!TLS_MODULES.some((m) => out.includes(m)) && anyBlock((k) => k.startsWith('ssl.'))) out.push('mod_openssl');

  if (out.includes('mod_auth') && !out.includes('mod_authn_file')) {
    const fileBackend = anyBlock((k, v) => k === 'auth.backend' && v.type === 'string' && AUTHN_FILE_BACKENDS.has(v.value));
    if (fileBackend) out.push('mod_authn_file');
  }
  if (!out.includes('mod_auth') && out.some((m) => m.startsWith('mod_authn_'))) out.unshift('mod_auth');
  if (!out.includes('mod_vhostdb') && out.some((m) => m.startsWith('mod_vhostdb_'))) out.unshift('mod_vhostdb');

  return foldCompress(out, blocks);
}

/**
 * mod_compress → mod_deflate, which lighttpd 1.4.69 does with or without compat loading
 * (configfile.c config_deprecate_module_compress): renamed when compress.* keys are used and mod_deflate
 * is not listed, else dropped.
 */
export function foldCompress(listed: readonly string[], blocks: readonly ConfigBlock[]): string[] {
  if (!listed.includes('mod_compress')) return [...listed];
  const usesCompress = blocks.some((b) => b.entries.some((e) => asciiLower(e.key).startsWith('compress.')));
  return usesCompress && !listed.includes('mod_deflate')
    ? listed.map((m) => (m === 'mod_compress' ? 'mod_deflate' : m))
    : listed.filter((m) => m !== 'mod_compress');
}

function isTrue(v: ConfigValue): boolean {
  if (v.type === 'integer') return v.value !== 0;
  return v.type === 'string' && valueHasType(v, 'boolean') && !isFalse(v);
}

function isFalse(v: ConfigValue): boolean {
  if (v.type === 'integer') return v.value === 0;
  return v.type === 'string' && ['disable', 'disabled', 'false', '0'].includes(asciiLower(v.value));
}

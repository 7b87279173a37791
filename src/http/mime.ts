/**
 * Content-Type lookup as lighttpd 1.4.69 does it for `mimetype.assign` (src/stat_cache.c
 * stat_cache_mimetype_by_ext, http-core.md §8.2), plus tswstunnel's built-in table.
 *
 * With fewer than 16 entries the first key (in config order) that is a case-insensitive suffix of the
 * full path wins. With 16 or more: the exact basename, then the longest dotted suffix (`.tar.gz` before
 * `.gz`, each also tried without its dot), then the `""` key. No match → the caller sends
 * `application/octet-stream` without caching headers ("implicit" type).
 *
 * Deliberate difference (docs/compat.md): when a request's config has no `mimetype.assign`, lighttpd
 * 1.4.69 has no types at all, which breaks noVNC's ES modules in browsers. tswstunnel then uses the
 * `mime-types` database (as lighttpd ≥ 1.4.76 ships a built-in table), with `;charset=utf-8` on text
 * types other than HTML and JavaScript, and an explicit octet-stream default (so caching headers stay).
 */
import mime from 'mime-types';

/** A compiled `mimetype.assign` list. */
export interface MimeTable {
  /** Entries in config order, keys lower-cased. */
  readonly entries: readonly (readonly [string, string])[];
  /** For 16+ entries: lower-cased key → value (the first occurrence wins). */
  readonly byKey: ReadonlyMap<string, string> | null;
}

/** Builds a table from `mimetype.assign` pairs (lighttpd rewrites `.js` → application/javascript to text/javascript). */
export function compileMimeTable(pairs: readonly (readonly [string, string])[]): MimeTable {
  const entries = pairs.map(([k, v]) => [k.toLowerCase(), k === '.js' && v === 'application/javascript' ? 'text/javascript' : v] as const);
  let byKey: Map<string, string> | null = null;
  if (entries.length >= 16) {
    byKey = new Map();
    for (const [k, v] of entries) if (!byKey.has(k)) byKey.set(k, v);
  }
  return { entries, byKey };
}

/** Looks a physical path up in a table; null when nothing matches (implicit octet-stream). */
export function lookupMime(table: MimeTable, path: string): string | null {
  const name = path.toLowerCase();
  if (table.byKey === null) {
    for (const [k, v] of table.entries) if (name.endsWith(k)) return v;
    return null;
  }
  const map = table.byKey;
  const base = name.slice(name.lastIndexOf('/') + 1);
  const exact = map.get(base);
  if (exact !== undefined) return exact;
  for (let i = base.indexOf('.', 1); i >= 0 && i < base.length; i = base.indexOf('.', i + 1)) {
    const withDot = map.get(base.slice(i));
    if (withDot !== undefined) return withDot;
    if (base.charAt(i + 1) !== '.') {
      const bare = map.get(base.slice(i + 1));
      if (bare !== undefined && i + 1 < base.length) return bare;
    }
  }
  return map.get('') ?? null;
}

/** tswstunnel's built-in type for a path (used only when the config has no mimetype.assign). */
export function builtinMime(path: string): string {
  const t = mime.lookup(path);
  if (t === false) return 'application/octet-stream';
  if (t.startsWith('text/') && t !== 'text/html' && t !== 'text/javascript') return `${t};charset=utf-8`;
  return t;
}

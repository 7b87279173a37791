/**
 * `mimetype.assign` (a core key in lighttpd, read here by mod_staticfile and mod_dirlisting):
 * compiling the list and choosing a file's Content-Type (http-core.md §8.2).
 *
 * A request whose config has no `mimetype.assign` gets tswstunnel's built-in table (docs/compat.md);
 * lighttpd 1.4.69 would send `application/octet-stream` without caching headers.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';
import { builtinMime, compileMimeTable, lookupMime, type MimeTable } from '../http/mime.js';
import { readKvStrings } from './values.js';

/** Compiles a `mimetype.assign` entry. */
export function compileMimetypeAssign(e: ConfigEntry, report: DiagnosticSink): MimeTable | undefined {
  const pairs = readKvStrings(e, report);
  return pairs ? compileMimeTable(pairs) : undefined;
}

/** Content-Type for a physical path; null = lighttpd's implicit octet-stream (no caching headers). */
export function contentTypeFor(table: MimeTable | null, physicalPath: string): string | null {
  if (table === null) return builtinMime(physicalPath);
  return lookupMime(table, physicalPath);
}

/**
 * The physical path of a request: `server.document-root` (trailing slashes cut) + the decoded URL
 * path, kept per (root, path) so that a path asked for again maps to the very same string.
 *
 * That matters on the hot path: the stat cache looks the physical path up in a Map, and V8 keeps a
 * string's hash in the string. A fresh concatenation per request would be flattened and hashed again
 * every time (the single most expensive line of a small-file request in a CPU profile); the kept string
 * is hashed once. Only the short URL path is hashed per request here.
 */

/** Paths kept per document root (cleared when full: bounded for any number of distinct URLs). */
const PER_ROOT_MAX = 2048;
const ROOTS_MAX = 64;

const byRoot = new Map<string, Map<string, string>>();

function trimRoot(root: string): string {
  return root.endsWith('/') ? root.replace(/\/+$/, '') : root;
}

/** `root` without trailing `/` followed by `path` (which starts with `/`). */
export function physicalPath(root: string, path: string): string {
  let paths = byRoot.get(root);
  if (paths === undefined) {
    if (byRoot.size >= ROOTS_MAX) byRoot.clear();
    paths = new Map();
    byRoot.set(root, paths);
  }
  let phys = paths.get(path);
  if (phys === undefined) {
    phys = trimRoot(root) + path;
    if (paths.size >= PER_ROOT_MAX) paths.clear();
    paths.set(path, phys);
  }
  return phys;
}

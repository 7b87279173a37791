/**
 * Every key the lighttpd 1.4.69 core claims (config-keys-1.4.69.md, "Core" tables), and the
 * "unknown config-key" check over a config (config-language.md §11): a key no core table and no loaded
 * module claims is reported once per occurrence, in block order, and otherwise ignored.
 */
import { asciiLower, type ConfigTree } from '../config/tree.js';

/** The core's key tables (server-wide, per-connection, network). */
export const CORE_KEYS: ReadonlySet<string> = new Set([
  'server.modules', 'server.compat-module-load', 'server.systemd-socket-activation', 'server.port', 'server.bind',
  'server.network-backend', 'server.chroot', 'server.username', 'server.groupname', 'server.errorlog-use-syslog',
  'server.syslog-facility', 'server.core-files', 'server.event-handler', 'server.pid-file', 'server.max-worker',
  'server.max-fds', 'server.max-connections', 'server.max-request-field-size', 'server.chunkqueue-chunk-sz',
  'server.upload-temp-file-size', 'server.upload-dirs', 'server.http-parseopts', 'server.http-parseopt-header-strict',
  'server.http-parseopt-host-strict', 'server.http-parseopt-host-normalize', 'server.reject-expect-100-with-417',
  'server.stat-cache-engine', 'mimetype.xattr-name', 'ssl.engine', 'debug.log-request-header-on-error',
  'server.feature-flags',
  'server.document-root', 'server.name', 'server.tag', 'server.max-request-size', 'server.max-keep-alive-requests',
  'server.max-keep-alive-idle', 'server.max-read-idle', 'server.max-write-idle', 'server.errorfile-prefix',
  'server.error-handler', 'server.error-handler-404', 'server.error-intercept', 'server.force-lowercase-filenames',
  'server.follow-symlink', 'server.protocol-http11', 'server.range-requests', 'server.stream-request-body',
  'server.stream-response-body', 'server.kbytes-per-second', 'connection.kbytes-per-second', 'mimetype.assign',
  'mimetype.use-xattr', 'etag.use-inode', 'etag.use-mtime', 'etag.use-size', 'debug.log-condition-handling',
  'debug.log-file-not-found', 'debug.log-request-handling', 'debug.log-request-header', 'debug.log-response-header',
  'debug.log-timeouts', 'debug.log-state-handling', 'server.errorlog', 'server.breakagelog',
  'server.listen-backlog', 'server.socket-perms', 'server.bsd-accept-filter', 'server.defer-accept',
  'server.use-ipv6', 'server.set-v6only', 'server.v4mapped',
]);

/** One unknown key occurrence. */
export interface UnknownKey {
  readonly key: string;
  readonly blockId: number;
}

/**
 * Keys that neither the core nor a loaded module claims. `claimed` holds lower-case keys of the loaded
 * modules; `prefixes` lower-case key prefixes (`fastcgi`) claimed wholesale by guard modules.
 */
export function findUnknownKeys(tree: ConfigTree, claimed: ReadonlySet<string>, prefixes: ReadonlySet<string>): UnknownKey[] {
  const out: UnknownKey[] = [];
  for (const block of tree.blocks) {
    for (const e of block.entries) {
      const k = asciiLower(e.key);
      if (k.startsWith('var.') || k.startsWith('env.')) continue;
      if (k.startsWith('dir-listing.') && k !== 'dir-listing.activate') continue;
      if (CORE_KEYS.has(k) || claimed.has(k)) continue;
      const dot = k.indexOf('.');
      if (dot > 0 && prefixes.has(k.slice(0, dot))) continue;
      out.push({ key: e.key, blockId: block.id });
    }
  }
  return out;
}

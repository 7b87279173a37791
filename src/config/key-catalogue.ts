/**
 * Every config key lighttpd 1.4.69 knows, by module, with its value type and scope: a hand transcription of
 * spec/config-keys-1.4.69.md (the key tables each lighttpd module hands to the config validator).
 *
 * Plain data. `-tt` (src/config/check-keys.ts) uses it to warn about unknown keys and keys of modules
 * tswstunnel does not implement, and to type-check the keys of the modules it does implement. Module
 * implementations may import their key tables from here.
 */
import type { KeySpec } from '../modules/module.js';

/** A key table: raw key (lighttpd's spelling) → type and scope. Lookups are ASCII case-insensitive. */
export type KeyTable = Readonly<Record<string, KeySpec>>;

/** One lighttpd module and the keys it claims. */
export interface CatalogueModule {
  /** As written in `server.modules`, e.g. `mod_wstunnel`. */
  readonly name: string;
  readonly keys: KeyTable;
}

/** Core keys validated while reading (server-wide table; `-p`/`-t` already check their types). */
export const CORE_SERVER_KEYS: KeyTable = {
  'server.modules': { type: 'array-of-strings', scope: 'server' },
  'server.compat-module-load': { type: 'boolean', scope: 'server' },
  'server.systemd-socket-activation': { type: 'boolean', scope: 'server' },
  'server.port': { type: 'short', scope: 'server' },
  'server.bind': { type: 'string', scope: 'server' },
  'server.network-backend': { type: 'string', scope: 'server' },
  'server.chroot': { type: 'string', scope: 'server' },
  'server.username': { type: 'string', scope: 'server' },
  'server.groupname': { type: 'string', scope: 'server' },
  'server.errorlog-placeholder-moved-to-config-insert': { type: 'string', scope: 'server' },
  'server.breakagelog-placeholder-moved-to-config-insert': { type: 'string', scope: 'server' },
  'server.errorlog-use-syslog': { type: 'boolean', scope: 'server' },
  'server.syslog-facility': { type: 'string', scope: 'server' },
  'server.core-files': { type: 'boolean', scope: 'server' },
  'server.event-handler': { type: 'string', scope: 'server' },
  'server.pid-file': { type: 'string', scope: 'server' },
  'server.max-worker': { type: 'short', scope: 'server' },
  'server.max-fds': { type: 'short', scope: 'server' },
  'server.max-connections': { type: 'short', scope: 'server' },
  'server.max-request-field-size': { type: 'integer', scope: 'server' },
  'server.chunkqueue-chunk-sz': { type: 'integer', scope: 'server' },
  'server.upload-temp-file-size': { type: 'integer', scope: 'server' },
  'server.upload-dirs': { type: 'array-of-strings', scope: 'server' },
  'server.http-parseopts': { type: 'array-kv-strings', scope: 'server' },
  'server.http-parseopt-header-strict': { type: 'boolean', scope: 'server' },
  'server.http-parseopt-host-strict': { type: 'boolean', scope: 'server' },
  'server.http-parseopt-host-normalize': { type: 'boolean', scope: 'server' },
  'server.reject-expect-100-with-417': { type: 'boolean', scope: 'server' },
  'server.stat-cache-engine': { type: 'string', scope: 'server' },
  'mimetype.xattr-name': { type: 'string', scope: 'server' },
  'ssl.engine': { type: 'boolean', scope: 'socket' },
  'debug.log-request-header-on-error': { type: 'boolean', scope: 'server' },
  'server.feature-flags': { type: 'array-kv-any', scope: 'server' },
};

/** Core keys validated while reading (per-connection table). */
export const CORE_CONNECTION_KEYS: KeyTable = {
  'server.document-root': { type: 'string' },
  'server.name': { type: 'string' },
  'server.tag': { type: 'string' },
  'server.max-request-size': { type: 'integer' },
  'server.max-keep-alive-requests': { type: 'short' },
  'server.max-keep-alive-idle': { type: 'short' },
  'server.max-read-idle': { type: 'short' },
  'server.max-write-idle': { type: 'short' },
  'server.errorfile-prefix': { type: 'string' },
  'server.error-handler': { type: 'string' },
  'server.error-handler-404': { type: 'string' },
  'server.error-intercept': { type: 'boolean' },
  'server.force-lowercase-filenames': { type: 'boolean' },
  'server.follow-symlink': { type: 'boolean' },
  'server.protocol-http11': { type: 'boolean' },
  'server.range-requests': { type: 'boolean' },
  'server.stream-request-body': { type: 'short' },
  'server.stream-response-body': { type: 'short' },
  'server.kbytes-per-second': { type: 'short' },
  'connection.kbytes-per-second': { type: 'short' },
  'mimetype.assign': { type: 'array-kv-strings' },
  'mimetype.use-xattr': { type: 'boolean' },
  'etag.use-inode': { type: 'boolean' },
  'etag.use-mtime': { type: 'boolean' },
  'etag.use-size': { type: 'boolean' },
  'debug.log-condition-handling': { type: 'boolean' },
  'debug.log-file-not-found': { type: 'boolean' },
  'debug.log-request-handling': { type: 'boolean' },
  'debug.log-request-header': { type: 'boolean' },
  'debug.log-response-header': { type: 'boolean' },
  'debug.log-timeouts': { type: 'boolean' },
  'debug.log-state-handling': { type: 'boolean' },
  'server.errorlog': { type: 'string' },
  'server.breakagelog': { type: 'string' },
};

/** Core keys validated at startup / `-tt` only (network setup). */
export const CORE_NETWORK_KEYS: KeyTable = {
  'ssl.engine': { type: 'boolean', scope: 'socket' },
  'server.listen-backlog': { type: 'integer', scope: 'socket' },
  'server.socket-perms': { type: 'string', scope: 'socket' },
  'server.bsd-accept-filter': { type: 'string', scope: 'socket' },
  'server.defer-accept': { type: 'boolean', scope: 'socket' },
  'server.use-ipv6': { type: 'boolean', scope: 'socket' },
  'server.set-v6only': { type: 'boolean', scope: 'socket' },
  'server.v4mapped': { type: 'boolean', scope: 'socket' },
};

/** The keys shared by every TLS module (mod_openssl, mod_gnutls, mod_mbedtls, mod_nss, mod_wolfssl). */
const TLS_KEYS: KeyTable = {
  'ssl.engine': { type: 'boolean', scope: 'socket' },
  'ssl.cipher-list': { type: 'string', scope: 'socket' },
  'ssl.openssl.ssl-conf-cmd': { type: 'array-kv-strings', scope: 'socket' },
  'ssl.pemfile': { type: 'string' },
  'ssl.stek-file': { type: 'string', scope: 'server' },
  'ssl.privkey': { type: 'string' },
  'ssl.ca-file': { type: 'string' },
  'ssl.ca-dn-file': { type: 'string' },
  'ssl.ca-crl-file': { type: 'string' },
  'ssl.read-ahead': { type: 'boolean' },
  'ssl.disable-client-renegotiation': { type: 'boolean' },
  'ssl.verifyclient.activate': { type: 'boolean' },
  'ssl.verifyclient.enforce': { type: 'boolean' },
  'ssl.verifyclient.depth': { type: 'short' },
  'ssl.verifyclient.username': { type: 'string' },
  'ssl.verifyclient.exportcert': { type: 'boolean' },
  'ssl.acme-tls-1': { type: 'string' },
  'ssl.stapling-file': { type: 'string' },
  'debug.log-ssl-noise': { type: 'boolean' },
  'ssl.verifyclient.ca-file': { type: 'string' },
  'ssl.verifyclient.ca-dn-file': { type: 'string' },
  'ssl.verifyclient.ca-crl-file': { type: 'string' },
};

/** Every loadable lighttpd 1.4.69 module that declares keys, in alphabetical order. */
export const LIGHTTPD_MODULES: readonly CatalogueModule[] = [
  {
    name: 'mod_access',
    keys: {
      'url.access-deny': { type: 'array-of-strings' },
      'url.access-allow': { type: 'array-of-strings' },
    },
  },
  {
    name: 'mod_accesslog',
    keys: {
      'accesslog.filename': { type: 'string' },
      'accesslog.format': { type: 'string' },
      'accesslog.use-syslog': { type: 'boolean' },
      'accesslog.syslog-level': { type: 'short' },
      'accesslog.escaping': { type: 'string' },
    },
  },
  {
    name: 'mod_ajp13',
    keys: {
      'ajp13.server': { type: 'array-kv-array' },
      'ajp13.balance': { type: 'string' },
      'ajp13.debug': { type: 'integer' },
      'ajp13.map-extensions': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_alias',
    keys: {
      'alias.url': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_auth',
    keys: {
      'auth.backend': { type: 'string' },
      'auth.require': { type: 'array-kv-array' },
      'auth.extern-authn': { type: 'boolean' },
      'auth.cache': { type: 'array' },
    },
  },
  {
    name: 'mod_authn_dbi',
    keys: {
      'auth.backend.dbi': { type: 'array-kv-any' },
    },
  },
  {
    name: 'mod_authn_file',
    keys: {
      'auth.backend.plain.groupfile': { type: 'string' },
      'auth.backend.plain.userfile': { type: 'string' },
      'auth.backend.htdigest.userfile': { type: 'string' },
      'auth.backend.htpasswd.userfile': { type: 'string' },
    },
  },
  {
    name: 'mod_authn_gssapi',
    keys: {
      'auth.backend.gssapi.keytab': { type: 'string' },
      'auth.backend.gssapi.principal': { type: 'string' },
      'auth.backend.gssapi.store-creds': { type: 'boolean' },
    },
  },
  {
    name: 'mod_authn_ldap',
    keys: {
      'auth.backend.ldap.hostname': { type: 'string' },
      'auth.backend.ldap.base-dn': { type: 'string' },
      'auth.backend.ldap.filter': { type: 'string' },
      'auth.backend.ldap.ca-file': { type: 'string' },
      'auth.backend.ldap.starttls': { type: 'boolean' },
      'auth.backend.ldap.bind-dn': { type: 'string' },
      'auth.backend.ldap.bind-pw': { type: 'string' },
      'auth.backend.ldap.allow-empty-pw': { type: 'boolean' },
      'auth.backend.ldap.groupmember': { type: 'string' },
      'auth.backend.ldap.timeout': { type: 'string' },
    },
  },
  {
    name: 'mod_authn_pam',
    keys: {
      'auth.backend.pam.opts': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_authn_sasl',
    keys: {
      'auth.backend.sasl.opts': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_cgi',
    keys: {
      'cgi.assign': { type: 'array-kv-strings' },
      'cgi.execute-x-only': { type: 'boolean' },
      'cgi.x-sendfile': { type: 'boolean' },
      'cgi.x-sendfile-docroot': { type: 'array-of-strings' },
      'cgi.local-redir': { type: 'boolean' },
      'cgi.upgrade': { type: 'boolean' },
      'cgi.limits': { type: 'array-kv-any' },
    },
  },
  {
    name: 'mod_deflate',
    keys: {
      'deflate.mimetypes': { type: 'array-of-strings' },
      'deflate.allowed-encodings': { type: 'array-of-strings' },
      'deflate.max-compress-size': { type: 'integer' },
      'deflate.min-compress-size': { type: 'short' },
      'deflate.compression-level': { type: 'short' },
      'deflate.output-buffer-size': { type: 'short' },
      'deflate.work-block-size': { type: 'short' },
      'deflate.max-loadavg': { type: 'string' },
      'deflate.cache-dir': { type: 'string' },
      'compress.filetype': { type: 'array-of-strings' },
      'compress.allowed-encodings': { type: 'array-of-strings' },
      'compress.cache-dir': { type: 'string' },
      'compress.max-filesize': { type: 'integer' },
      'compress.max-loadavg': { type: 'string' },
      'deflate.params': { type: 'array-kv-any' },
    },
  },
  {
    name: 'mod_dirlisting',
    keys: {
      'dir-listing.activate': { type: 'boolean' },
      'server.dir-listing': { type: 'boolean' },
      'dir-listing.exclude': { type: 'array-of-strings' },
      'dir-listing.hide-dotfiles': { type: 'boolean' },
      'dir-listing.external-css': { type: 'string' },
      'dir-listing.external-js': { type: 'string' },
      'dir-listing.encoding': { type: 'string' },
      'dir-listing.show-readme': { type: 'string' },
      'dir-listing.hide-readme-file': { type: 'boolean' },
      'dir-listing.show-header': { type: 'string' },
      'dir-listing.hide-header-file': { type: 'boolean' },
      'dir-listing.set-footer': { type: 'string' },
      'dir-listing.encode-readme': { type: 'boolean' },
      'dir-listing.encode-header': { type: 'boolean' },
      'dir-listing.auto-layout': { type: 'boolean' },
      'dir-listing.cache': { type: 'array-kv-any' },
    },
  },
  {
    name: 'mod_evhost',
    keys: {
      'evhost.path-pattern': { type: 'string' },
    },
  },
  {
    name: 'mod_expire',
    keys: {
      'expire.url': { type: 'array-kv-strings' },
      'expire.mimetypes': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_extforward',
    keys: {
      'extforward.forwarder': { type: 'array-kv-strings' },
      'extforward.headers': { type: 'array-of-strings' },
      'extforward.params': { type: 'array-kv-any' },
      'extforward.hap-PROXY': { type: 'boolean' },
      'extforward.hap-PROXY-ssl-client-verify': { type: 'boolean' },
    },
  },
  {
    name: 'mod_fastcgi',
    keys: {
      'fastcgi.server': { type: 'array-kv-array' },
      'fastcgi.balance': { type: 'string' },
      'fastcgi.debug': { type: 'integer' },
      'fastcgi.map-extensions': { type: 'array-kv-strings' },
    },
  },
  { name: 'mod_gnutls', keys: TLS_KEYS },
  {
    name: 'mod_indexfile',
    keys: {
      'index-file.names': { type: 'array-of-strings' },
      'server.indexfiles': { type: 'array-of-strings' },
    },
  },
  {
    name: 'mod_magnet',
    keys: {
      'magnet.attract-raw-url-to': { type: 'array-of-strings' },
      'magnet.attract-physical-path-to': { type: 'array-of-strings' },
      'magnet.attract-response-start-to': { type: 'array-of-strings' },
    },
  },
  {
    name: 'mod_maxminddb',
    keys: {
      'maxminddb.activate': { type: 'boolean' },
      'maxminddb.db': { type: 'string' },
      'maxminddb.env': { type: 'array-kv-strings' },
    },
  },
  { name: 'mod_mbedtls', keys: withoutKey(TLS_KEYS, 'ssl.stapling-file') },
  { name: 'mod_nss', keys: TLS_KEYS },
  { name: 'mod_openssl', keys: TLS_KEYS },
  {
    name: 'mod_proxy',
    keys: {
      'proxy.server': { type: 'array-kv-array' },
      'proxy.balance': { type: 'string' },
      'proxy.debug': { type: 'integer' },
      'proxy.map-extensions': { type: 'array-kv-strings' },
      'proxy.forwarded': { type: 'array-kv-any' },
      'proxy.header': { type: 'array-kv-any' },
      'proxy.replace-http-host': { type: 'boolean' },
    },
  },
  {
    name: 'mod_redirect',
    keys: {
      'url.redirect': { type: 'array-kv-strings' },
      'url.redirect-code': { type: 'short' },
    },
  },
  {
    name: 'mod_rewrite',
    keys: {
      'url.rewrite-once': { type: 'array-kv-strings' },
      'url.rewrite-final': { type: 'array-kv-strings' },
      'url.rewrite': { type: 'array-kv-strings' },
      'url.rewrite-repeat': { type: 'array-kv-strings' },
      'url.rewrite-if-not-file': { type: 'array-kv-strings' },
      'url.rewrite-repeat-if-not-file': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_rrdtool',
    keys: {
      'rrdtool.db-name': { type: 'string' },
      'rrdtool.binary': { type: 'string', scope: 'server' },
    },
  },
  {
    name: 'mod_scgi',
    keys: {
      'scgi.server': { type: 'array-kv-array' },
      'scgi.balance': { type: 'string' },
      'scgi.debug': { type: 'integer' },
      'scgi.map-extensions': { type: 'array-kv-strings' },
      'scgi.protocol': { type: 'string' },
    },
  },
  {
    name: 'mod_setenv',
    keys: {
      'setenv.add-request-header': { type: 'array-kv-strings' },
      'setenv.add-response-header': { type: 'array-kv-strings' },
      'setenv.add-environment': { type: 'array-kv-strings' },
      'setenv.set-request-header': { type: 'array-kv-strings' },
      'setenv.set-response-header': { type: 'array-kv-strings' },
      'setenv.set-environment': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_simple_vhost',
    keys: {
      'simple-vhost.server-root': { type: 'string' },
      'simple-vhost.default-host': { type: 'string' },
      'simple-vhost.document-root': { type: 'string' },
      'simple-vhost.debug': { type: 'short' },
    },
  },
  {
    name: 'mod_sockproxy',
    keys: {
      'sockproxy.server': { type: 'array-kv-array' },
      'sockproxy.balance': { type: 'string' },
      'sockproxy.debug': { type: 'integer' },
    },
  },
  {
    name: 'mod_ssi',
    keys: {
      'ssi.extension': { type: 'array-of-strings' },
      'ssi.content-type': { type: 'string' },
      'ssi.conditional-requests': { type: 'boolean' },
      'ssi.exec': { type: 'boolean' },
      'ssi.recursion-max': { type: 'short' },
    },
  },
  {
    name: 'mod_staticfile',
    keys: {
      'static-file.exclude-extensions': { type: 'array-of-strings' },
      'static-file.etags': { type: 'boolean' },
      'static-file.disable-pathinfo': { type: 'boolean' },
    },
  },
  {
    name: 'mod_status',
    keys: {
      'status.status-url': { type: 'string' },
      'status.config-url': { type: 'string' },
      'status.statistics-url': { type: 'string' },
      'status.enable-sort': { type: 'boolean' },
    },
  },
  {
    name: 'mod_userdir',
    keys: {
      'userdir.path': { type: 'string' },
      'userdir.exclude-user': { type: 'array-of-strings' },
      'userdir.include-user': { type: 'array-of-strings' },
      'userdir.basepath': { type: 'string' },
      'userdir.letterhomes': { type: 'boolean' },
      'userdir.active': { type: 'boolean' },
    },
  },
  {
    name: 'mod_vhostdb',
    keys: {
      'vhostdb.backend': { type: 'string' },
      'vhostdb.cache': { type: 'array' },
    },
  },
  {
    name: 'mod_vhostdb_dbi',
    keys: {
      'vhostdb.dbi': { type: 'array-kv-any' },
    },
  },
  {
    name: 'mod_vhostdb_ldap',
    keys: {
      'vhostdb.ldap': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_vhostdb_mysql',
    keys: {
      'vhostdb.mysql': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_vhostdb_pgsql',
    keys: {
      'vhostdb.pgsql': { type: 'array-kv-strings' },
    },
  },
  {
    name: 'mod_webdav',
    keys: {
      'webdav.sqlite-db-name': { type: 'string' },
      'webdav.activate': { type: 'boolean' },
      'webdav.is-readonly': { type: 'boolean' },
      'webdav.log-xml': { type: 'boolean' },
      'webdav.opts': { type: 'array-kv-any' },
    },
  },
  { name: 'mod_wolfssl', keys: TLS_KEYS },
  {
    name: 'mod_wstunnel',
    keys: {
      'wstunnel.server': { type: 'array-kv-array' },
      'wstunnel.balance': { type: 'string' },
      'wstunnel.debug': { type: 'integer' },
      'wstunnel.map-extensions': { type: 'array-kv-strings' },
      'wstunnel.frame-type': { type: 'string' },
      'wstunnel.origins': { type: 'array-of-strings' },
      'wstunnel.ping-interval': { type: 'short' },
    },
  },
];

/** Options of one backend host inside `proxy.server`, `wstunnel.server`, `fastcgi.server`, … (shared gateway code). */
export const BACKEND_HOST_OPTIONS: KeyTable = {
  'host': { type: 'string' },
  'port': { type: 'short' },
  'socket': { type: 'string' },
  'listen-backlog': { type: 'integer' },
  'bin-path': { type: 'string' },
  'kill-signal': { type: 'short' },
  'check-local': { type: 'boolean' },
  'mode': { type: 'string' },
  'docroot': { type: 'string' },
  'min-procs': { type: 'short' },
  'max-procs': { type: 'short' },
  'max-load-per-proc': { type: 'short' },
  'idle-timeout': { type: 'short' },
  'disable-time': { type: 'short' },
  'bin-environment': { type: 'array-kv-strings' },
  'bin-copy-environment': { type: 'array-of-strings' },
  'broken-scriptfilename': { type: 'boolean' },
  'strip-request-uri': { type: 'string' },
  'fix-root-scriptname': { type: 'boolean' },
  'allow-x-send-file': { type: 'boolean' },
  'x-sendfile': { type: 'boolean' },
  'x-sendfile-docroot': { type: 'array-of-strings' },
  'tcp-fin-propagate': { type: 'boolean' },
  'connect-timeout': { type: 'integer' },
  'write-timeout': { type: 'integer' },
  'read-timeout': { type: 'integer' },
};

/**
 * The modules tswstunnel implements (besides the core). Keys of the other catalogue modules are accepted by
 * `-p`/`-t` but `-tt` warns that they are ignored.
 */
export const IMPLEMENTED_MODULES: ReadonlySet<string> = new Set([
  'mod_access',
  'mod_accesslog',
  'mod_alias',
  'mod_auth',
  'mod_authn_file',
  'mod_deflate',
  'mod_dirlisting',
  'mod_evhost',
  'mod_expire',
  'mod_extforward',
  'mod_gnutls',
  'mod_indexfile',
  'mod_mbedtls',
  'mod_nss',
  'mod_openssl',
  'mod_proxy',
  'mod_redirect',
  'mod_rewrite',
  'mod_setenv',
  'mod_simple_vhost',
  'mod_staticfile',
  'mod_status',
  'mod_userdir',
  'mod_wolfssl',
  'mod_wstunnel',
]);

/** The keys lighttpd's module `name` claims, as the catalogue lists them (a module that claims exactly these uses this). */
export function catalogueKeys(name: string): KeyTable {
  const mod = LIGHTTPD_MODULES.find((m) => m.name === name);
  if (!mod) throw new Error(`key catalogue: no module ${name}`);
  return mod.keys;
}

function withoutKey(table: KeyTable, key: string): KeyTable {
  return Object.fromEntries(Object.entries(table).filter(([k]) => k !== key));
}

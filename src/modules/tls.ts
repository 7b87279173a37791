/**
 * mod_openssl (and the other lighttpd TLS module names, which read the same `ssl.*` keys): TLS itself
 * is the listeners' business (src/server/tls-*.ts, node's `tls` over OpenSSL), so the module claims
 * the keys (known and type-checked in every block) and, once started, logs one warning per `ssl.*`
 * key the listeners do not use: client certificates, OCSP stapling, session ticket keys, and
 * `ssl.pemfile` / `ssl.privkey` / `ssl.ca-file` in blocks that are neither global, `$SERVER["socket"]`
 * nor `$HTTP["host"]` blocks SNI can select (src/server/tls-sni.ts). Nothing per request.
 */
import { catalogueKeys } from '../config/key-catalogue.js';
import { sniPath } from '../server/tls-sni.js';
import type { BlockValues, Module } from './module.js';

/** Keys the listeners read (src/server/tls-options.ts) and keys lighttpd 1.4.69 itself ignores. */
const USED = new Set(['ssl.engine', 'ssl.pemfile', 'ssl.privkey', 'ssl.ca-file', 'ssl.cipher-list', 'ssl.openssl.ssl-conf-cmd', 'ssl.read-ahead', 'ssl.disable-client-renegotiation', 'debug.log-ssl-noise']);
/** Keys the listeners read only from the global, `$SERVER["socket"]` and SNI `$HTTP["host"]` blocks. */
const PER_SOCKET = new Set(['ssl.pemfile', 'ssl.privkey', 'ssl.ca-file']);

function unusedKeys(values: BlockValues): string[] {
  const c = values.block.condition;
  const socketScope = c === null || (c.field === 'socket' && c.op === '==' && values.block.parent?.condition === null) || (c.field === 'host' && sniPath(values.block) !== null);
  const out: string[] = [];
  for (const key of values.entries.keys()) {
    if (!USED.has(key)) out.push(`WARNING: ${key} is not supported by tswstunnel (ignored)`);
    else if (PER_SOCKET.has(key) && !socketScope) out.push(`WARNING: ${key} in a $HTTP["${c?.field ?? ''}"] block is not supported by tswstunnel (ignored; certificates are chosen in the global, $SERVER["socket"] == and $HTTP["host"] blocks)`);
  }
  return out;
}

/** Creates the TLS module under one of lighttpd's TLS module names. */
export function createTlsModule(name: string): Module<object> {
  const warnings = new Set<string>();
  return {
    name,
    keys: catalogueKeys(name),
    defaults: {},
    compile: (values) => {
      for (const w of unusedKeys(values)) warnings.add(w);
      return {};
    },
    init: (env) => {
      for (const w of warnings) env.log(w);
    },
  };
}

/**
 * mod_openssl (and the other lighttpd TLS module names, which read the same `ssl.*` keys): TLS itself
 * is the listeners' business (src/server/tls-*.ts, node's `tls` over OpenSSL), so the module claims
 * the keys (known and type-checked in every block), fills the request environment for client
 * certificates (`ssl.verifyclient.activate` / `.username` / `.exportcert`, tls-env.ts) in the uri-raw
 * phase, and, once started, logs one warning per `ssl.*` key the listeners do not use: OCSP stapling,
 * session ticket keys, and the handshake keys (`ssl.pemfile`, `ssl.privkey`, the CA / DN / CRL files,
 * `ssl.verifyclient.enforce` / `.depth`) in blocks that are neither global, `$SERVER["socket"]` nor
 * `$HTTP["host"]` blocks SNI can select (src/server/tls-sni.ts). Also lighttpd's startup notes on
 * `ssl.verifyclient.depth` above 255 and a CRL file written without a CA file.
 */
import { catalogueKeys } from '../config/key-catalogue.js';
import type { ConfigEntry } from '../config/tree.js';
import { HANDSHAKE_KEYS, sniPath } from '../server/tls-sni.js';
import type { BlockValues, Module } from './module.js';
import { setTlsEnv, type TlsEnvConf } from './tls-env.js';
import { readBoolean } from './values.js';

/** Keys the listeners or this module read, and keys lighttpd 1.4.69 itself ignores. */
const USED = new Set([
  ...HANDSHAKE_KEYS,
  'ssl.engine',
  'ssl.verifyclient.activate',
  'ssl.verifyclient.username',
  'ssl.verifyclient.exportcert',
  'ssl.cipher-list',
  'ssl.openssl.ssl-conf-cmd',
  'ssl.read-ahead',
  'ssl.disable-client-renegotiation',
  'debug.log-ssl-noise',
]);
/** Keys the listeners read only from the global, `$SERVER["socket"]` and SNI `$HTTP["host"]` blocks. */
const PER_SOCKET = new Set(HANDSHAKE_KEYS);

const DEFAULTS: TlsEnvConf = { activate: false, username: '', exportCert: false };

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

function nonBlank(e: ConfigEntry | undefined): string | undefined {
  return e?.value.type === 'string' && e.value.value.trim() !== '' ? e.value.value : undefined;
}

/** lighttpd's startup notes on the client certificate keys of one block. */
function notes(values: BlockValues): string[] {
  const out: string[] = [];
  const depth = values.entries.get('ssl.verifyclient.depth');
  if (depth?.value.type === 'integer' && depth.value.value > 255 && depth.value.value <= 65535) {
    out.push(`ssl.verifyclient.depth is absurdly large (${depth.value.value}); limiting to 255`);
  }
  const crl = nonBlank(values.entries.get('ssl.verifyclient.ca-crl-file')) ?? nonBlank(values.entries.get('ssl.ca-crl-file'));
  const ca = nonBlank(values.entries.get('ssl.verifyclient.ca-file')) ?? nonBlank(values.entries.get('ssl.ca-file'));
  if (values.block.condition !== null && crl !== undefined && ca === undefined) {
    out.push(`ssl.verifyclient.ca-crl-file (${crl}) ignored unless issued with ssl.verifyclient.ca-file`);
  }
  return out;
}

function compileEnv(values: BlockValues, report: Parameters<Module<TlsEnvConf>['compile']>[1]): Partial<TlsEnvConf> {
  const out: { -readonly [K in keyof TlsEnvConf]?: TlsEnvConf[K] } = {};
  const activate = values.entries.get('ssl.verifyclient.activate');
  if (activate) {
    const v = readBoolean(activate, report);
    if (v !== undefined) out.activate = v;
  }
  const exportCert = values.entries.get('ssl.verifyclient.exportcert');
  if (exportCert) {
    const v = readBoolean(exportCert, report);
    if (v !== undefined) out.exportCert = v;
  }
  const username = values.entries.get('ssl.verifyclient.username');
  if (username?.value.type === 'string') out.username = username.value.value.trim() === '' ? '' : username.value.value;
  return out;
}

/** Creates the TLS module under one of lighttpd's TLS module names. */
export function createTlsModule(name: string): Module<TlsEnvConf> {
  const warnings = new Set<string>();
  return {
    name,
    keys: catalogueKeys(name),
    defaults: DEFAULTS,
    compile: (values, report) => {
      for (const w of notes(values)) warnings.add(w);
      for (const w of unusedKeys(values)) warnings.add(w);
      // the listeners read (and report) the global and $SERVER["socket"] blocks' values themselves
      const c = values.block.condition;
      return compileEnv(values, c === null || c.field === 'socket' ? { report: () => undefined } : report);
    },
    init: (env) => {
      for (const w of warnings) env.log(w);
    },
    onUriRaw: (req, _res, conf) => {
      const client = req.raw.peer.tlsClient;
      if (conf.activate && client !== undefined) setTlsEnv(req, client, conf);
      return 'continue';
    },
  };
}

/**
 * mod_extforward (lighttpd src/mod_extforward.c, http-core.md §12.1): behind a trusted reverse proxy,
 * the client address (and scheme) come from `X-Forwarded-For` / `Forwarded-For` / `Forwarded`
 * (`extforward.headers`) and `X-Forwarded-Proto`.
 *
 * Runs in the uri-raw phase in `server.modules` order, once per request (not again after a rewrite). When
 * it replaces the address, the condition results that depend on `$HTTP["remote-ip"]` (or on
 * `$HTTP["scheme"]`) are forgotten, so blocks tried later see the new values; blocks already applied
 * (the core's `server.*` settings, modules listed before mod_extforward) keep the proxy's. Everything
 * later sees the new address: accesslog `%h`/`%a`, mod_proxy (which, like lighttpd with mod_extforward
 * loaded, appends the *proxy's* address to `X-Forwarded-For` and names it in `Forwarded: for=`), and the
 * `hash` balancer. The next request on the connection starts from the real peer again.
 *
 * `extforward.hap-PROXY` (connection scope, usually in `$SERVER["socket"] == …`): a connection from a
 * trusted forwarder (`extforward.forwarder` as decided at accept) must start with a PROXY protocol v1 or
 * v2 header, read before HTTP and, when a TLS module precedes mod_extforward, before TLS (onAccept,
 * proxy-header.ts). Its client address is the connection's remote address for good (conditions,
 * accesslog, mod_proxy's X-Forwarded-For, which then names that client: lighttpd sets no
 * _L_EXTFORWARD_ACTUAL_FOR for it); a v2 SSL TLV makes the connection https; v2 LOCAL and v1 UNKNOWN
 * keep the real peer. A connection without a valid header is closed ("hap-PROXY proto received
 * invalid/unsupported request"). Forwarding headers are still read per request, trusted by the new
 * address. `extforward.hap-PROXY-ssl-client-verify` sets SSL_CLIENT_VERIFY (and, for a client
 * certificate the proxy verified, REMOTE_USER = its CN and AUTH_TYPE) in the request environment.
 *
 * Differences: `extforward.params` is checked but has no effect, exactly like lighttpd 1.4.56–1.4.71
 * (their regression); the PROXY v2 TLV variables other than those are kept but shown nowhere (lighttpd
 * passes them only to CGI-like backends, which tswstunnel has none of) (docs/compat.md).
 */
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ConfigBlock } from '../../config/tree.js';
import type { HttpResponse } from '../../http1/response.js';
import type { PrefaceReader, PrefaceStep } from '../../http1/preface.js';
import { setEnv, type RequestCtx } from '../../request/context.js';
import { dependentBlockIds } from '../../request/match.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from '../module.js';
import { compileExtforward, EXTFORWARD_DEFAULTS, EXTFORWARD_KEYS, type ExtforwardConf } from './config.js';
import { readForwarded } from './forwarded.js';
import { parseNumericHost } from '../../net/numeric-host.js';
import { clientFromList } from './xff.js';
import { readProxyHeader } from './proxy-header.js';
import { TLS_MODULES } from '../../config/module-list.js';

/** The blocks to forget when the address or the scheme changes. */
interface Resets {
  readonly remoteIp: readonly number[];
  readonly scheme: readonly number[];
}

function rootOf(block: ConfigBlock): ConfigBlock {
  let b = block;
  while (b.parent !== null) b = b.parent;
  return b;
}

/** The first configured header the request has, lower-case name and value. */
function findHeader(req: RequestCtx, names: readonly string[]): [string, string] | null {
  for (const name of names) {
    const v = req.headers.get(name);
    if (v !== undefined) return [name, v];
  }
  return null;
}

const CLOSE: PrefaceStep = { kind: 'close' };

/** lighttpd's check at startup: with hap-PROXY on, a TLS module listed after mod_extforward reads first. */
function tlsAfterUs(modules: readonly string[]): string | undefined {
  const at = modules.indexOf('mod_extforward');
  return at < 0 ? undefined : modules.slice(at + 1).find((m) => TLS_MODULES.includes(m));
}

/** hap-PROXY-ssl-client-verify: what the proxy said about the client certificate, into the request env. */
function applyClientVerify(req: RequestCtx): void {
  const facts = req.raw.peer.facts;
  const cn = facts?.env.get('SSL_CLIENT_S_DN_CN');
  if (facts?.clientVerified !== true || cn === undefined) {
    setEnv(req, 'SSL_CLIENT_VERIFY', 'NONE');
    return;
  }
  setEnv(req, 'SSL_CLIENT_VERIFY', 'SUCCESS');
  setEnv(req, 'REMOTE_USER', cn);
  setEnv(req, 'AUTH_TYPE', 'SSL_CLIENT_VERIFY');
}

/** Creates mod_extforward. */
export function createExtforwardModule(): Module<ExtforwardConf> {
  /** Startup findings for the error log (lighttpd logs them while reading the config). */
  const notes: string[] = [];
  let root: ConfigBlock | null = null;
  let resets: Resets | null = null;
  let log: (m: string) => void = () => undefined;
  /** Requests whose address this module replaced (lighttpd: the saved address in its handler context). */
  const replaced = new WeakSet<RequestCtx>();
  /** Whether some block turns hap-PROXY on (for the module-order warning). */
  let hapSomewhere = false;
  /**
   * Whether the replaced address / scheme are kept in the request environment (_L_EXTFORWARD_ACTUAL_*):
   * as lighttpd, only when mod_proxy (their one reader) is in `server.modules`; accesslog `%{…}e` shows
   * them then and only then.
   */
  let keepActual = true;

  /** The first read of a connection from a trusted forwarder on a hap-PROXY socket. */
  const readHap: PrefaceReader = (buf, n) => {
    const h = readProxyHeader(buf, n);
    switch (h.kind) {
      case 'invalid':
        log('hap-PROXY proto received invalid/unsupported request');
        return CLOSE;
      case 'refused':
        return CLOSE;
      case 'local':
        return { kind: 'serve', used: h.used, peer: null };
      case 'proxy': {
        const c = h.client;
        const facts = c.env.size > 0 ? { env: c.env, clientVerified: c.clientVerified } : null;
        return { kind: 'serve', used: h.used, peer: { remoteAddr: c.addr, remotePort: c.port, https: c.https, facts } };
      }
    }
  };

  function resetsOf(): Resets {
    if (resets === null) {
      resets = root === null ? { remoteIp: [], scheme: [] } : { remoteIp: dependentBlockIds(root, 'remote-ip'), scheme: dependentBlockIds(root, 'scheme') };
    }
    return resets;
  }

  function setAddr(req: RequestCtx, addr: string): boolean {
    if (parseNumericHost(addr) === null) {
      log(`could not parse ip address ${addr} because Name or service not known`);
      return false;
    }
    replaced.add(req);
    // what mod_proxy reports as the connecting address (lighttpd: _L_EXTFORWARD_ACTUAL_FOR)
    if (keepActual) setEnv(req, '_L_EXTFORWARD_ACTUAL_FOR', req.remoteAddr);
    req.remoteAddr = addr;
    req.remotePort = 0;
    req.match?.forget(resetsOf().remoteIp);
    return true;
  }

  function setProto(req: RequestCtx, proto: string): void {
    const p = proto.toLowerCase();
    if (p === '' || p === req.scheme) return;
    if (keepActual) setEnv(req, '_L_EXTFORWARD_ACTUAL_PROTO', req.scheme);
    if (p !== 'https' && p !== 'http') return;
    req.scheme = p;
    req.match?.forget(resetsOf().scheme);
  }

  return {
    name: 'mod_extforward',
    keys: EXTFORWARD_KEYS,
    defaults: EXTFORWARD_DEFAULTS,
    compile(values: BlockValues, report: DiagnosticSink): Partial<ExtforwardConf> {
      root ??= rootOf(values.block);
      const partial = compileExtforward(values, report, (m) => notes.push(m));
      if (partial.hapProxy === true) hapSomewhere = true;
      return partial;
    },
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
      if (env.server) keepActual = env.server.modules.includes('mod_proxy');
      for (const n of notes.splice(0)) env.log(n);
      const tls = hapSomewhere && env.server ? tlsAfterUs(env.server.modules) : undefined;
      if (tls !== undefined) log(`mod_extforward must be loaded after ${tls} in server.modules when extforward.hap-PROXY = "enable"`);
    },
    acceptWanted(values: Partial<ExtforwardConf>): boolean {
      return values.hapProxy === true;
    },
    onAccept(conf: ExtforwardConf, remoteAddr: string): PrefaceReader | null {
      // lighttpd: only a trusted forwarder's connection must start with the header; others are plain HTTP
      if (!conf.hapProxy || conf.trust === null || !conf.trust.isConnectionTrusted(remoteAddr)) return null;
      return readHap;
    },
    onUriRaw(req: RequestCtx, _res: HttpResponse, conf: ExtforwardConf): Outcome {
      const trust = conf.trust;
      if (trust === null) return 'continue';
      if (conf.hapProxySslClientVerify) applyClientVerify(req);
      if (conf.headers === null || replaced.has(req)) return 'continue';
      const found = findHeader(req, conf.headers);
      if (found === null || !trust.isConnectionTrusted(req.remoteAddr)) return 'continue';
      const [name, value] = found;
      if (name !== 'forwarded') {
        const client = clientFromList(value, trust);
        if (client === null || !setAddr(req, client)) return 'continue';
        const proto = req.headers.get('x-forwarded-proto');
        if (proto !== undefined) setProto(req, proto);
        return 'continue';
      }
      const r = readForwarded(value, trust);
      switch (r.kind) {
        case 'none':
          return 'continue';
        case 'bad':
          log(r.message);
          delete req.handler;
          req.status = 400;
          return 'handled';
        case 'client':
          if (setAddr(req, r.addr) && r.proto !== null) setProto(req, r.proto);
          return 'continue';
      }
    },
  };
}

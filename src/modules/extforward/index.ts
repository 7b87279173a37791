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
 * Differences: `extforward.params` is checked but has no effect, exactly like lighttpd 1.4.56–1.4.71
 * (their regression); `extforward.hap-PROXY` is accepted but not implemented (docs/compat.md).
 */
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ConfigBlock } from '../../config/tree.js';
import type { HttpResponse } from '../../http1/response.js';
import { setEnv, type RequestCtx } from '../../request/context.js';
import { dependentBlockIds } from '../../request/match.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from '../module.js';
import { compileExtforward, EXTFORWARD_DEFAULTS, EXTFORWARD_KEYS, type ExtforwardConf } from './config.js';
import { readForwarded } from './forwarded.js';
import { parseNumericHost } from '../../net/numeric-host.js';
import { clientFromList } from './xff.js';

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

/** Creates mod_extforward. */
export function createExtforwardModule(): Module<ExtforwardConf> {
  /** Startup findings for the error log (lighttpd logs them while reading the config). */
  const notes: string[] = [];
  let root: ConfigBlock | null = null;
  let resets: Resets | null = null;
  let log: (m: string) => void = () => undefined;
  /** Requests whose address this module replaced (lighttpd: the saved address in its handler context). */
  const replaced = new WeakSet<RequestCtx>();

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
    setEnv(req, '_L_EXTFORWARD_ACTUAL_FOR', req.remoteAddr);
    req.remoteAddr = addr;
    req.remotePort = 0;
    req.match?.forget(resetsOf().remoteIp);
    return true;
  }

  function setProto(req: RequestCtx, proto: string): void {
    const p = proto.toLowerCase();
    if (p === '' || p === req.scheme) return;
    setEnv(req, '_L_EXTFORWARD_ACTUAL_PROTO', req.scheme);
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
      return compileExtforward(values, report, (m) => notes.push(m));
    },
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
      for (const n of notes.splice(0)) env.log(n);
    },
    onUriRaw(req: RequestCtx, _res: HttpResponse, conf: ExtforwardConf): Outcome {
      const trust = conf.trust;
      if (trust === null || conf.headers === null || replaced.has(req)) return 'continue';
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

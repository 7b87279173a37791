/**
 * The accept hooks of one listener (lighttpd's handle_connection_accept, http-core.md §1.1 step 0): the
 * modules with `onAccept` whose config may want this listener, asked per connection with their config as
 * decided at accept (`$SERVER["socket"]`, `$HTTP["remote-ip"]`: src/request/accept-match.ts). A listener
 * no such module wants gets no preface, so its connections pay nothing.
 *
 * On a TLS listener, lighttpd's TLS module takes over the connection's reads in its own accept hook: a
 * module listed before it never sees the bytes before the handshake. So there only modules listed after a
 * TLS module run (mod_extforward warns about the order itself).
 */
import type { ConfigBlock } from '../config/tree.js';
import { TLS_MODULES } from '../config/module-list.js';
import type { ConnectionPreface, PrefaceReader } from '../http1/preface.js';
import { acceptVerdict, type AcceptVerdict } from '../request/accept-match.js';
import type { CompiledModule } from '../request/effective.js';
import type { ListenSpec } from './server-config.js';

/** A module's blocks that may hold at accept on `socket` (any peer). */
function mayHold(cm: CompiledModule<object>, socket: string): CompiledModule<object>['blocks'] {
  const memo = new Map<number, AcceptVerdict>();
  return cm.blocks.filter((bp) => {
    const v = acceptVerdict(bp.block, socket, null, memo);
    return v === 'true' || v === 'maybe';
  });
}

/** The module's config for one connection: its global values ⊕ the blocks true at accept, in file order. */
function configAtAccept(cm: CompiledModule<object>, blocks: readonly { readonly block: ConfigBlock; readonly partial: object }[], socket: string, remoteAddr: string): object {
  const memo = new Map<number, AcceptVerdict>();
  let conf: object = cm.base;
  for (const bp of blocks) if (acceptVerdict(bp.block, socket, remoteAddr, memo) === 'true') conf = { ...conf, ...bp.partial };
  return conf;
}

/** The listener's preface (Http1Options.preface), or undefined when no module wants its connections. */
export function listenerPreface(modules: readonly CompiledModule<object>[], spec: ListenSpec): ConnectionPreface | undefined {
  const firstTls = modules.findIndex((cm) => TLS_MODULES.includes(cm.module.name));
  const hooks: ((remoteAddr: string) => PrefaceReader | null)[] = [];
  modules.forEach((cm, i) => {
    const module = cm.module;
    if (module.onAccept === undefined) return;
    if (spec.tls.engine && firstTls > i) return;
    const blocks = mayHold(cm, spec.token);
    const wanted = (values: object): boolean => module.acceptWanted?.(values) ?? true;
    if (!wanted(cm.base) && !blocks.some((bp) => wanted(bp.partial))) return;
    hooks.push((remoteAddr) => module.onAccept?.(configAtAccept(cm, blocks, spec.token, remoteAddr), remoteAddr) ?? null);
  });
  if (hooks.length === 0) return undefined;
  return (peer) => {
    // lighttpd: a unix socket peer has no address; conditions see the socket (as request-ctx.ts does)
    const remoteAddr = peer !== '' ? peer : spec.token;
    for (const hook of hooks) {
      const read = hook(remoteAddr);
      if (read !== null) return read;
    }
    return null;
  };
}

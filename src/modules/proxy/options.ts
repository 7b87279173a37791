/**
 * The option types of mod_proxy's `proxy.header` and `proxy.forwarded` (the whole per-request config is
 * ProxyConf in config.ts).
 *
 * `proxy.header` is one value (a later block replaces all its sub-options at once, as lighttpd does), so
 * it is kept as a single object here.
 */

/** An ordered string → string map, as written in the config (first matching entry wins). */
export type OrderedMap = readonly (readonly [string, string])[];

/** The sub-options of `proxy.header`. */
export interface ProxyHeaderOpts {
  /** `"upgrade"`: pass `Upgrade` to the backend and tunnel after a 101. */
  readonly upgrade: boolean;
  /** `"connect"`: allow the CONNECT method. */
  readonly connect: boolean;
  /** `"force-http10"`: talk HTTP/1.0 to the backend. */
  readonly forceHttp10: boolean;
  /** `"https-remap"`: also swap the `http`/`https` scheme in remapped URLs. */
  readonly httpsRemap: boolean;
  /** `"map-urlpath"`: URL-path prefix → prefix. */
  readonly mapUrlpath: OrderedMap;
  /** `"map-host-request"`: client authority → backend authority (`-` = any / the client's). */
  readonly mapHostRequest: OrderedMap;
  /** `"map-host-response"`: backend authority → client authority (`-` = remembered / the client's). */
  readonly mapHostResponse: OrderedMap;
}

/** Which RFC 7239 `Forwarded` parameters to add (`proxy.forwarded`). */
export interface ForwardedOpts {
  readonly for: boolean;
  readonly proto: boolean;
  readonly host: boolean;
  readonly by: boolean;
  readonly remoteUser: boolean;
}

/** The `proxy.header` value when none is configured. */
export const NO_HEADER_OPTS: ProxyHeaderOpts = {
  upgrade: false,
  connect: false,
  forceHttp10: false,
  httpsRemap: false,
  mapUrlpath: [],
  mapHostRequest: [],
  mapHostResponse: [],
};

/** True when `proxy.forwarded` enables at least one parameter. */
export function hasForwarded(f: ForwardedOpts | null): f is ForwardedOpts {
  return f !== null && (f.for || f.proto || f.host || f.by || f.remoteUser);
}

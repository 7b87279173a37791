/**
 * IPv6 listening sockets as lighttpd 1.4.69 makes them (network.c): an IPv6 socket is v6-only
 * (`server.set-v6only`, default enable) unless `server.v4mapped = "enable"` makes it dual-stack, where
 * IPv4 clients connect as `::ffff:a.b.c.d` (the address conditions, the access log and mod_proxy see that
 * text). `server.v4mapped = "disable"` forces v6-only; `server.set-v6only = "disable"` leaves the kernel's
 * default (dual-stack on Linux) and is warned about. Both keys are socket-scope: global, or in a
 * `$SERVER["socket"] == …` block.
 */

/** The socket-scope settings that decide an IPv6 socket's v6-only flag. */
export interface V6Settings {
  readonly useIpv6: boolean;
  /** `server.set-v6only` (default true). */
  readonly setV6only: boolean;
  /** `server.v4mapped`, null when not set. */
  readonly v4mapped: boolean | null;
}

/** A startup warning for the error log: lighttpd's source reference and text. */
export interface ListenWarning {
  readonly ref: string;
  readonly text: string;
}

export const DEFAULT_V6_SETTINGS: V6Settings = { useIpv6: false, setV6only: true, v4mapped: null };

/** Whether an IPv6 socket with these settings takes IPv6 clients only. */
export function v6Only(s: V6Settings): boolean {
  return s.v4mapped === null ? s.setV6only : !s.v4mapped;
}

/**
 * lighttpd's warnings for a TCP socket: `token` is how lighttpd names it (`bind:port`, `:port`,
 * `[v6]:port`), `isV6` whether it is an IPv6 socket.
 */
export function v6Warnings(token: string, isV6: boolean, s: V6Settings): ListenWarning[] {
  const out: ListenWarning[] = [];
  if ((s.useIpv6 && (token === '' || token.startsWith(':'))) || token.startsWith('[]')) {
    out.push({
      ref: 'network.c.387',
      text: 'warning: please use server.use-ipv6 only for hostnames, not without server.bind / empty address; your config will break if the kernel default for IPV6_V6ONLY changes',
    });
  }
  if (isV6 && !s.setV6only) {
    out.push({ ref: 'network.c.411', text: 'warning: server.set-v6only will be removed soon, update your config to have different sockets for ipv4 and ipv6' });
  }
  return out;
}

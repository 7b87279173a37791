/**
 * The HAProxy PROXY protocol header (v1 text, v2 binary; haproxy doc/proxy-protocol.txt) as lighttpd
 * 1.4.69's mod_extforward reads it with `extforward.hap-PROXY`: from the **first read** of a connection
 * only, looking at no more than its first 256 bytes (lighttpd peeks into a 256-byte buffer once).
 *
 * - framing (lighttpd's `hap_PROXY_recv`): v2 needs ≥ 16 bytes, the signature, version 2, command LOCAL or
 *   PROXY and the whole header (16 + length ≤ 256) in that read; v1 needs ≥ 8 bytes starting `PROXY` and
 *   a CR LF inside the 256 bytes. Anything else — a plain request, a header cut by a TCP segment, EOF —
 *   is `invalid` (the connection closes and lighttpd logs "hap-PROXY proto received invalid/unsupported
 *   request").
 * - contents: v1 `PROXY TCP4|TCP6 src dst sport dport` (the source address by inet_pton of that family,
 *   ports digits only, 1–5 of them, not 0; the destination is not checked), `PROXY UNKNOWN…` keeps the
 *   real peer; v2 LOCAL and address families other than TCP over IPv4 / IPv6 / AF_UNIX stream keep it too.
 *   A header that frames but does not read is `refused`: closed without a log line, as lighttpd.
 * - v2 TLVs after a TCP / unix address: `PP2_TYPE_SSL` (client bit 0x01 → the connection counts as https;
 *   a client certificate with "verify result 0" as lighttpd reads it (lighttpdVerifyIsZero) → verified; sub-TLVs version, CN, cipher, signature and key
 *   algorithm → `SSL_PROTOCOL`, `SSL_CLIENT_S_DN_CN`, `SSL_CIPHER`, `SSL_SERVER_A_SIG`, `SSL_SERVER_A_KEY`)
 *   and `PP2_TYPE_UNIQUE_ID` → `PP2_UNIQUE_ID`; others are skipped, a TLV longer than what is left ends
 *   the list.
 *
 * A v2 header declaring less than its family's address block (12 / 36 / 216 bytes) has the rest of the
 * block read from the bytes after it in the same read, as lighttpd does. Difference: where the read ends
 * first, it is refused; lighttpd would read stale buffer memory.
 */
import { isIPv4, isIPv6, SocketAddress } from 'node:net';

/** What the header says. */
export type ProxyHeader =
  /** Not a header lighttpd frames: close, logging lighttpd's line. */
  | { readonly kind: 'invalid' }
  /** Framed but unreadable: close without a log line. */
  | { readonly kind: 'refused' }
  /** Keep the connection's own peer (v1 UNKNOWN, v2 LOCAL, other families); `used` bytes were the header. */
  | { readonly kind: 'local'; readonly used: number }
  /** The client's address (and, from v2 TLVs, TLS facts); `used` bytes were the header. */
  | { readonly kind: 'proxy'; readonly used: number; readonly client: ProxyClient };

/** The client a proxy announced. */
export interface ProxyClient {
  /** As lighttpd prints it (inet_ntop; the path for AF_UNIX). */
  readonly addr: string;
  readonly port: number;
  /** A v2 SSL TLV said the client spoke TLS to the proxy. */
  readonly https: boolean;
  /** A v2 SSL TLV said a client certificate was presented and verified. */
  readonly clientVerified: boolean;
  /** Variables from the TLVs (lighttpd's connection env), in the order met; a later one replaces. */
  readonly env: ReadonlyMap<string, string>;
}

/** lighttpd's buffer: what one peek can see. */
const PEEK_MAX = 256;
const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const PP2_TYPE_SSL = 0x20;
const PP2_TYPE_UNIQUE_ID = 0x05;
const PP2_CLIENT_SSL = 0x01;
const PP2_CLIENT_CERT = 0x02 | 0x04;
const SSL_SUBTYPES: ReadonlyMap<number, string> = new Map([
  [0x21, 'SSL_PROTOCOL'],
  [0x22, 'SSL_CLIENT_S_DN_CN'],
  [0x23, 'SSL_CIPHER'],
  [0x24, 'SSL_SERVER_A_SIG'],
  [0x25, 'SSL_SERVER_A_KEY'],
]);

const INVALID: ProxyHeader = { kind: 'invalid' };
const REFUSED: ProxyHeader = { kind: 'refused' };

/** Reads the header from the first `n` bytes a connection delivered (see the file header). */
export function readProxyHeader(buf: Buffer, n: number): ProxyHeader {
  const seen = buf.subarray(0, Math.min(n, PEEK_MAX));
  if (seen.length >= 16 && seen.compare(V2_SIGNATURE, 0, 12, 0, 12) === 0 && (seen[12] ?? 0) >> 4 === 2) {
    const size = 16 + seen.readUInt16BE(14);
    if (seen.length < size) return INVALID;
    const command = (seen[12] ?? 0) & 0x0f;
    if (command === 0x00) return { kind: 'local', used: size };
    if (command !== 0x01) return INVALID;
    return readV2(seen, size);
  }
  if (seen.length >= 8 && seen.toString('latin1', 0, 5) === 'PROXY') {
    const cr = seen.subarray(0, seen.length - 1).indexOf(0x0d);
    if (cr < 0 || seen[cr + 1] !== 0x0a) return INVALID;
    return readV1(seen.toString('latin1', 5, cr), cr + 2);
  }
  return INVALID;
}

/** lighttpd's port check: 1–5 digits, not 0 (65536…99999 pass and wrap, as in lighttpd). */
function readPort(s: string): number {
  if (!/^[0-9]{1,5}$/.test(s)) return -1;
  return Number(s);
}

/** inet_pton of one family, then inet_ntop: the address as lighttpd would print it, or null. */
function ptonNtop(text: string, v6: boolean): string | null {
  if (!v6) return isIPv4(text) ? text : null;
  // inet_pton takes no zone index (node's isIPv6 and SocketAddress would)
  if (!isIPv6(text) || text.includes('%')) return null;
  return new SocketAddress({ address: text, family: 'ipv6' }).address;
}

/** `rest`: the line after `PROXY` up to its CR (lighttpd cuts it at a NUL, as C strings end there). */
function readV1(line: string, used: number): ProxyHeader {
  const nul = line.indexOf('\0');
  const s = nul >= 0 ? line.slice(0, nul) : line;
  if (s[0] !== ' ') return REFUSED;
  if (s.startsWith(' UNKNOWN') && (s.length === 8 || s[8] === ' ')) return { kind: 'local', used };
  if (!s.startsWith(' TCP') || s[5] !== ' ' || (s[4] !== '4' && s[4] !== '6')) return REFUSED;
  const fields = s.slice(6).split(' ');
  // src dst sport dport: the fourth field runs to the end (a further space makes it no port)
  if (fields.length < 4) return REFUSED;
  const [src = '', , srcPort = '', ...dst] = fields;
  const port = readPort(srcPort);
  if (port <= 0 || readPort(dst.join(' ')) <= 0) return REFUSED;
  const addr = ptonNtop(src, s[4] === '6');
  if (addr === null) return REFUSED;
  return { kind: 'proxy', used, client: { addr, port: port & 0xffff, https: false, clientVerified: false, env: new Map() } };
}

function ipv6Text(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/**
 * A v2 PROXY command header of `used` bytes at the start of `seen` (the first read). lighttpd reads the
 * address block at its fixed size even when the header declares less: the bytes after the header then
 * come from the same read, as here; past what was read it would use stale memory, refused here.
 */
function readV2(seen: Buffer, used: number): ProxyHeader {
  const body = seen.subarray(16);
  let addr: string;
  let port: number;
  let addrLen: number;
  switch (seen[13]) {
    case 0x11: // TCP over IPv4
      addrLen = 12;
      if (body.length < addrLen) return REFUSED;
      addr = `${body[0]}.${body[1]}.${body[2]}.${body[3]}`;
      port = body.readUInt16BE(8);
      break;
    case 0x21: // TCP over IPv6
      addrLen = 36;
      if (body.length < addrLen) return REFUSED;
      addr = ipv6Text(body.subarray(0, 16));
      port = body.readUInt16BE(32);
      break;
    case 0x31: {
      // unix stream socket: the source path, NUL-terminated within its 108 bytes
      addrLen = 216;
      if (body.length < addrLen) return REFUSED;
      const end = body.subarray(0, 108).indexOf(0);
      if (end < 0) return REFUSED;
      addr = body.toString('latin1', 0, end);
      port = 0;
      break;
    }
    default:
      return { kind: 'local', used };
  }
  // TLVs only within the declared length, and only when three bytes of one fit after the address block
  const tlvLength = used - 16 >= addrLen + 3 ? used - 16 - addrLen : 0;
  return { kind: 'proxy', used, client: { addr, port, ...readTlvs(body.subarray(addrLen), tlvLength) } };
}

/**
 * lighttpd 1.4.69 reads the SSL TLV's `verify` field through an unpacked C struct (client byte, then a
 * 32-bit field aligned to offset 4): it tests the value's bytes 4–7, the last byte of `verify` and the
 * first three of the sub-TLVs, not bytes 1–4. So "verified" needs those four bytes zero (bytes past the
 * first read count as non-zero). Mirrored, as it decides hap-PROXY-ssl-client-verify.
 */
function lighttpdVerifyIsZero(rest: Buffer, valueAt: number): boolean {
  const from = valueAt + 4;
  return rest.length >= from + 4 && rest.readUInt32BE(from) === 0;
}

/** The TLVs after the address block: `rest` holds them (and whatever followed in the read), `length` is theirs. */
function readTlvs(rest: Buffer, length: number): Pick<ProxyClient, 'https' | 'clientVerified' | 'env'> {
  let https = false;
  let clientVerified = false;
  const env = new Map<string, string>();
  for (let at = 0; length - at >= 3; ) {
    const type = rest[at] ?? 0;
    const len = rest.readUInt16BE(at + 1);
    if (3 + len > length - at) break;
    const valueAt = at + 3;
    const value = rest.subarray(valueAt, valueAt + len);
    at += 3 + len;
    if (type === PP2_TYPE_UNIQUE_ID) env.set('PP2_UNIQUE_ID', value.toString('latin1'));
    if (type !== PP2_TYPE_SSL || len < 5) continue;
    const client = value[0] ?? 0;
    if ((client & PP2_CLIENT_SSL) !== 0) https = true;
    if ((client & PP2_CLIENT_CERT) !== 0 && lighttpdVerifyIsZero(rest, valueAt)) clientVerified = true;
    for (let sub = 5; value.length - sub >= 3; ) {
      const subType = value[sub] ?? 0;
      const subLen = value.readUInt16BE(sub + 1);
      if (3 + subLen > value.length - sub) break;
      const name = SSL_SUBTYPES.get(subType);
      if (name !== undefined) env.set(name, value.toString('latin1', sub + 3, sub + 3 + subLen));
      sub += 3 + subLen;
    }
  }
  return { https, clientVerified, env };
}

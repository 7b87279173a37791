/**
 * PROXY protocol headers for the tests (haproxy doc/proxy-protocol.txt), written byte by byte from the
 * spec: v1 lines, v2 binary headers with TLVs, and the SSL TLV with its sub-TLVs.
 */
import { SocketAddress } from 'node:net';

/** `PROXY TCP4 src dst sport dport\r\n` (or any rest after `PROXY `). */
export function proxyV1(rest: string): Buffer {
  return Buffer.from(`PROXY ${rest}\r\n`, 'latin1');
}

/** One TLV: type, 16-bit length, value. */
export function tlv(type: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const head = Buffer.alloc(3);
  head[0] = type;
  head.writeUInt16BE(v.length, 1);
  return Buffer.concat([head, v]);
}

/** PP2_TYPE_SSL: client bits, 32-bit verify result, sub-TLVs. */
export function sslTlv(client: number, verify: number, subs: readonly Buffer[] = []): Buffer {
  const head = Buffer.alloc(5);
  head[0] = client;
  head.writeUInt32BE(verify, 1);
  return tlv(0x20, Buffer.concat([head, ...subs]));
}

/** The v2 signature. */
export const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

function ipBytes(addr: string): Buffer {
  if (addr.includes(':')) {
    const full = new SocketAddress({ address: addr, family: 'ipv6' }).address;
    const [head = '', tail = ''] = full.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = full.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : full.split(':');
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  }
  return Buffer.from(addr.split('.').map(Number));
}

/** A v2 header: `command` 0 LOCAL / 1 PROXY, `family` byte (0x11 TCP4, 0x21 TCP6, 0x31 unix…), addresses, TLVs. */
export function proxyV2(o: { command?: number; version?: number; family?: number; src?: string; dst?: string; srcPort?: number; dstPort?: number; tlvs?: readonly Buffer[]; address?: Buffer }): Buffer {
  const family = o.family ?? 0x11;
  let address = o.address;
  if (address === undefined) {
    if (family === 0x11 || family === 0x21) {
      const ports = Buffer.alloc(4);
      ports.writeUInt16BE(o.srcPort ?? 4711, 0);
      ports.writeUInt16BE(o.dstPort ?? 80, 2);
      const v6 = family === 0x21;
      address = Buffer.concat([ipBytes(o.src ?? (v6 ? '2001:db8::9' : '203.0.113.9')), ipBytes(o.dst ?? (v6 ? '::1' : '127.0.0.1')), ports]);
    } else if (family === 0x31) {
      address = Buffer.alloc(216);
      address.write(o.src ?? '/run/client.sock', 0, 'latin1');
      address.write(o.dst ?? '/run/server.sock', 108, 'latin1');
    } else {
      address = Buffer.alloc(0);
    }
  }
  const body = Buffer.concat([address, ...(o.tlvs ?? [])]);
  const head = Buffer.alloc(16);
  V2_SIGNATURE.copy(head);
  head[12] = ((o.version ?? 2) << 4) | (o.command ?? 1);
  head[13] = family;
  head.writeUInt16BE(body.length, 14);
  return Buffer.concat([head, body]);
}

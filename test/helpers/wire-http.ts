/**
 * Request bytes for the wire fuzz test (test/integration/wire-fuzz.test.ts): mostly valid HTTP/1
 * requests for the fuzz server's routes (static files, a body echo, the `/ws` tunnel), built from
 * random parts (odd methods and versions, percent-encoding junk, huge header lines, chunked bodies
 * good and bad, Expect: 100-continue), pipelined, then mutated at the byte level.
 */
import type { Rng } from './config-gen.js';
import { upgradeHead } from './ws-raw.js';

const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PROPFIND', 'CONNECT', 'TRACE', 'PATCH', 'BREW', 'get', 'G\tET', 'PRI', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.10', 'http/1.1', 'HTTP/1', 'HTTP/1.1 x', ''];
const PATHS = ['/', '/index.html', '/file.txt', '/sub/', '/sub/a.bin', '/missing', '/echo', '/echo/x', '/ws', '/ws/deep?x=1', '*', 'file.txt', 'http://a/file.txt'];
const JUNK = ['%', '%z', '%zz', '%00', '%2e%2e/', '..%2f', '%C0%AF', '%ff%fe', '%7F', '/../..', '//', '?', '#frag', '?a=%', ';p', '%25', '\x7f', 'ü', ' '];
const HEADERS = [
  'Connection: close',
  'Connection: keep-alive',
  'Connection: Upgrade',
  'Upgrade: websocket',
  'Expect: 100-continue',
  'Range: bytes=0-3',
  'Range: bytes=1-2,4-',
  'Range: bytes=-0',
  'If-None-Match: *',
  'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT',
  'Accept-Encoding: gzip',
  'Content-Length: 5',
  'Content-Length: -1',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Host: ',
  'Host: a:b:c',
  'X-Empty:',
  ' folded continuation',
  'NoColon',
  ': novalue',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

function pathWithJunk(rng: Rng): string {
  let p = rng.pick(PATHS);
  for (let n = rng.chance(0.3) ? 1 + rng.int(3) : 0; n > 0; n--) {
    const at = rng.int(p.length + 1);
    p = p.slice(0, at) + rng.pick(JUNK) + p.slice(at);
  }
  return p;
}

/** A chunked body, sometimes broken (bad sizes, missing CRLFs, junk extensions, long trailers). */
function chunkedBody(rng: Rng, bad: boolean): string {
  let out = '';
  for (let n = rng.int(4); n > 0; n--) {
    const data = 'c'.repeat(1 + rng.int(40));
    const ext = rng.chance(0.2) ? ';name=value' : '';
    out += `${data.length.toString(16)}${ext}\r\n${data}\r\n`;
  }
  out += rng.chance(0.2) ? '0\r\nTrailer: x\r\n\r\n' : '0\r\n\r\n';
  if (!bad) return out;
  const breakers = [
    (s: string) => s.replace(/^[0-9a-f]+/, 'zz'),
    (s: string) => s.replace(/^[0-9a-f]+/, '-1'),
    (s: string) => `ffffffffffffffffff\r\n${s}`,
    (s: string) => s.replace('\r\n', ''),
    (s: string) => s.replace(/\r\n0\r\n/, '\r\n'),
    (s: string) => `5\r\nabc\r\n${s}`,
    (s: string) => `${s.slice(0, -2)}${'T'.repeat(9000)}: y\r\n\r\n`,
    (s: string) => `1;${'e'.repeat(9000)}\r\nx\r\n${s}`,
    (s: string) => s.replaceAll('\r\n', '\n'),
  ];
  return rng.pick(breakers)(out);
}

/** One request: mostly well-formed, with random odd parts. */
export function httpRequest(rng: Rng): string {
  if (rng.chance(0.1)) return upgradeHead(rng.pick(['/ws', '/ws/x', '/file.txt']), rng.chance(0.5) ? {} : { 'Sec-WebSocket-Version': rng.pick(['8', '', '13, 8']) });
  const method = rng.chance(0.8) ? rng.pick(METHODS.slice(0, 7)) : rng.pick(METHODS);
  const version = rng.chance(0.8) ? 'HTTP/1.1' : rng.pick(VERSIONS);
  const lines = [`${method} ${pathWithJunk(rng)} ${version}`.replace(/ $/, '')];
  if (rng.chance(0.9)) lines.push('Host: 127.0.0.1');
  for (let n = rng.int(4); n > 0; n--) lines.push(rng.pick(HEADERS));
  if (rng.chance(0.05)) lines.push(`X-Huge: ${'h'.repeat(rng.pick([4000, 9000, 70_000]))}`);
  if (rng.chance(0.03)) for (let n = 0; n < 200; n++) lines.push(`X-Many-${n}: v`);
  let body = '';
  if (method === 'POST' || method === 'PUT' || rng.chance(0.05)) {
    if (rng.chance(0.5)) {
      lines.push('Transfer-Encoding: chunked');
      body = chunkedBody(rng, rng.chance(0.4));
    } else {
      body = 'b'.repeat(rng.int(3) === 0 ? rng.int(70_000) : rng.int(50));
      const length = rng.chance(0.85) ? body.length : body.length + rng.int(20) - 10;
      lines.push(`Content-Length: ${length}`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Byte-level mutations: flips, truncation, CRLFs duplicated / removed / bare, inserted junk, repeats. */
export function mutateBytes(rng: Rng, data: Buffer): Buffer {
  const s = data.toString('latin1');
  const at = rng.int(s.length + 1);
  const crlf = (): number => {
    const all = [...s.matchAll(/\r\n/g)].map((m) => m.index);
    return all.length === 0 ? -1 : rng.pick(all);
  };
  let out: string;
  switch (rng.int(8)) {
    case 0: {
      const b = Buffer.from(data);
      if (b.length > 0) b[rng.int(b.length)] = rng.int(256);
      return b;
    }
    case 1:
      out = s.slice(0, at);
      break;
    case 2: {
      const i = crlf();
      out = i < 0 ? s : `${s.slice(0, i)}\r\n${s.slice(i)}`;
      break;
    }
    case 3: {
      const i = crlf();
      out = i < 0 ? s : s.slice(0, i) + s.slice(i + 2);
      break;
    }
    case 4: {
      const i = crlf();
      out = i < 0 ? s : s.slice(0, i) + rng.pick(['\n', '\r', '\r\r\n', '\n\r']) + s.slice(i + 2);
      break;
    }
    case 5:
      out = s.slice(0, at) + String.fromCharCode(...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256))) + s.slice(at);
      break;
    case 6: {
      const len = rng.int(Math.min(64, s.length - at) + 1);
      out = s.slice(0, at + len) + s.slice(at, at + len) + s.slice(at + len);
      break;
    }
    default:
      out = s.slice(0, at) + rng.pick(['\0', ' ', '\t', ':', '%', '\x16\x03\x01']) + s.slice(at);
  }
  return Buffer.from(out, 'latin1');
}

/** Bytes for one HTTP connection: 1–4 pipelined requests, sometimes mutated. */
export function httpBytes(rng: Rng): Buffer {
  const requests = Array.from({ length: rng.chance(0.7) ? 1 : 2 + rng.int(3) }, () => httpRequest(rng));
  let bytes: Buffer = Buffer.from(requests.join(''), 'latin1');
  const mutations = rng.chance(0.4) ? 0 : 1 + rng.int(3);
  for (let m = 0; m < mutations; m++) bytes = mutateBytes(rng, bytes);
  return bytes;
}

/**
 * Distinguished names of client certificates in the forms lighttpd 1.4.69 puts into the request
 * environment: SSL_CLIENT_S_DN is OpenSSL's one-line print (`C = DE, O = tsw test, CN = alice`, values
 * with `,+<>;` quoted, multi-byte UTF-8 left as it is), SSL_CLIENT_S_DN_<short name> the raw value of
 * each entry. The input is node's X509Certificate `subject`: one `SN=value` per line, values escaped as
 * RFC 2253 says (a backslash before a special character, `\XX` for a control byte).
 */

/** One `SN=value` line split, the value unescaped. */
function entry(line: string): [string, string] | null {
  const eq = line.indexOf('=');
  if (eq <= 0) return null;
  const raw = line.slice(eq + 1);
  const bytes: number[] = [];
  const buf = Buffer.from(raw, 'utf8');
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] ?? 0;
    if (b === 0x5c && i + 1 < buf.length) {
      const hex = buf.subarray(i + 1, i + 3).toString('latin1');
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(buf[i + 1] ?? 0);
        i += 1;
      }
    } else bytes.push(b);
  }
  return [line.slice(0, eq), Buffer.from(bytes).toString('utf8')];
}

/** The subject's entries in certificate order (multi-valued parts as separate entries). */
export function subjectEntries(subject: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of subject.split('\n')) {
    for (const part of line.split(' + ')) {
      const e = entry(part);
      if (e) out.push(e);
    }
  }
  return out;
}

const QUOTE_CHARS = /[,+<>;]/;

/** One value as OpenSSL's XN_FLAG_ONELINE prints it: quoted when it holds `,+<>;`, `"` and `\` escaped. */
function printValue(v: string): string {
  let s = '';
  for (const ch of v) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') s += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) s += `\\${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else s += ch;
  }
  const edge = /^[ #]| $/.test(v);
  return QUOTE_CHARS.test(v) || edge ? `"${s}"` : s;
}

/** node's multi-line subject → OpenSSL's one-line form (SSL_CLIENT_S_DN), cut at 255 bytes as lighttpd does. */
export function oneLineDn(subject: string): string {
  const lines = subject.split('\n').filter((l) => l !== '');
  const text = lines
    .map((line) =>
      line
        .split(' + ')
        .map((part) => {
          const e = entry(part);
          return e ? `${e[0]} = ${printValue(e[1])}` : part;
        })
        .join(' + '),
    )
    .join(', ');
  const b = Buffer.from(text, 'utf8');
  return b.length > 255 ? b.subarray(0, 255).toString('utf8') : text;
}

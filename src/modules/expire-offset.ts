/**
 * The value language of mod_expire (lighttpd src/mod_expire.c, http-core.md §12.4):
 * `access|now|modification [plus] <num> <unit> [<num> <unit> ...]`.
 *
 * Parsed once at startup, with lighttpd's exact leniencies and failures: the base word must be followed
 * by one space, a number is read as C's strtol reads it (leading blanks, a sign) but must end at a
 * space, units are matched with one trailing `s` removed, and each number is multiplied as a 32-bit C
 * int (so `100 years` wraps, as it does in lighttpd). A failure carries lighttpd's detail message.
 */

/** When the expiry counts from: the request time (`access`, `now`) or the file's mtime. */
export type ExpireBase = 'access' | 'modification';

/** A parsed expire value. */
export interface ExpireOffset {
  readonly base: ExpireBase;
  /** Seconds added to the base. */
  readonly seconds: number;
}

/** A parse result: the offset, or lighttpd's message saying what is wrong. */
export type ExpireParse = { readonly ok: true; readonly offset: ExpireOffset } | { readonly ok: false; readonly detail: string };

/** Unit (singular, as lighttpd compares it) → seconds; years and months are 360 and 30 days. */
const UNITS: ReadonlyMap<string, number> = new Map([
  ['year', 60 * 60 * 24 * 30 * 12],
  ['month', 60 * 60 * 24 * 30],
  ['week', 60 * 60 * 24 * 7],
  ['day', 60 * 60 * 24],
  ['hour', 60 * 60],
  ['minute', 60],
  ['second', 1],
]);

const BASES: readonly (readonly [string, ExpireBase])[] = [
  ['access ', 'access'],
  ['now ', 'access'],
  ['modification ', 'modification'],
];

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** C's strtol(s + at, &end, 10) stored into an int: the value and where the number ended. */
function strtolInt(s: string, at: number): { value: number; end: number } {
  let i = at;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const digitsAt = i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === digitsAt) return { value: 0, end: at };
  let v = BigInt(s.slice(digitsAt, i));
  if (negative) v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return { value: Number(BigInt.asIntN(32, v)), end: i };
}

/** Parses one expire value; on failure `detail` is lighttpd's message for it. */
export function parseExpireOffset(text: string): ExpireParse {
  if (text === '') return { ok: false, detail: 'mod_expire empty string' };
  const start = BASES.find(([word]) => text.startsWith(word));
  if (!start) return { ok: false, detail: `invalid <base>: ${text}` };
  let ts = start[0].length;
  if (text.startsWith('plus ', ts)) ts += 5;
  let seconds = 0;
  do {
    if (text.indexOf(' ', ts) < 0) return { ok: false, detail: `missing space after <num>: ${text.slice(ts)}` };
    const num = strtolInt(text, ts);
    if (text[num.end] !== ' ') return { ok: false, detail: `missing <type> after <num>: ${text.slice(ts)}` };
    // lighttpd goes on after the first space from where the number started, not after the number
    ts = text.indexOf(' ', ts) + 1;
    let space = text.indexOf(' ', ts);
    if (space < 0) space = text.length;
    // an empty unit looks at the space before it, which is never the plural 's'
    const unitEnd = space > ts && text[space - 1] === 's' ? space - 1 : space;
    const factor = UNITS.get(text.slice(ts, unitEnd));
    if (factor === undefined) return { ok: false, detail: `unknown type: ${text.slice(ts)}` };
    seconds += Math.imul(num.value, factor);
    if (space === text.length) break;
    ts = space + 1;
  } while (ts < text.length);
  return { ok: true, offset: { base: start[1], seconds } };
}

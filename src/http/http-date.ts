/**
 * HTTP dates as lighttpd 1.4.69 writes and reads them (src/http_date.c): IMF-fixdate out; IMF-fixdate,
 * RFC 850 and asctime in.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats seconds since the epoch as an IMF-fixdate, e.g. `Sun, 22 Nov 2026 13:39:26 GMT`. */
export function formatHttpDate(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toUTCString();
}

const IMF = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT/;
const RFC850 = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d) GMT/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})/;

function toSeconds(year: number, mon: string, day: number, h: number, m: number, s: number): number | null {
  const month = MONTHS.indexOf(mon);
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  return Date.UTC(year, month, day, h, m, s) / 1000;
}

/** Parses an HTTP date in any of the three formats; null when it is none of them. */
export function parseHttpDate(text: string): number | null {
  let r = IMF.exec(text);
  if (r) return toSeconds(Number(r[3]), r[2] ?? '', Number(r[1]), Number(r[4]), Number(r[5]), Number(r[6]));
  r = RFC850.exec(text);
  if (r) {
    const yy = Number(r[3]);
    // two-digit years: lighttpd's strptime %y maps 69–99 to 19xx, 00–68 to 20xx
    return toSeconds(yy < 69 ? 2000 + yy : 1900 + yy, r[2] ?? '', Number(r[1]), Number(r[4]), Number(r[5]), Number(r[6]));
  }
  r = ASCTIME.exec(text);
  if (r) return toSeconds(Number(r[6]), r[1] ?? '', Number((r[2] ?? '').trim()), Number(r[3]), Number(r[4]), Number(r[5]));
  return null;
}

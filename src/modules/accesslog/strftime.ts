/**
 * A small strftime (local time) for accesslog `%t` and `%{fmt}t` (lighttpd formats timestamps with the
 * C library's strftime). Supports the conversions that occur in real log formats.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function p2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `+hhmm` offset of local time. */
function zone(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.floor((d.getTime() - start.getTime()) / 86400000) + 1;
}

/** Formats a date with a strftime pattern (local time). Unknown conversions are copied. */
export function strftime(fmt: string, d: Date): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i + 1 >= fmt.length) {
      out += c;
      continue;
    }
    const k = fmt[++i];
    switch (k) {
      case 'Y': out += String(d.getFullYear()); break;
      case 'y': out += p2(d.getFullYear() % 100); break;
      case 'm': out += p2(d.getMonth() + 1); break;
      case 'd': out += p2(d.getDate()); break;
      case 'e': out += String(d.getDate()).padStart(2, ' '); break;
      case 'H': out += p2(d.getHours()); break;
      case 'I': out += p2(((d.getHours() + 11) % 12) + 1); break;
      case 'M': out += p2(d.getMinutes()); break;
      case 'S': out += p2(d.getSeconds()); break;
      case 'p': out += d.getHours() < 12 ? 'AM' : 'PM'; break;
      case 'b': case 'h': out += MONTHS[d.getMonth()]; break;
      case 'B': out += MONTHS_LONG[d.getMonth()]; break;
      case 'a': out += DAYS[d.getDay()]; break;
      case 'A': out += DAYS_LONG[d.getDay()]; break;
      case 'j': out += String(dayOfYear(d)).padStart(3, '0'); break;
      case 'z': out += zone(d); break;
      case 'Z': out += Intl.DateTimeFormat('en', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? ''; break;
      case 's': out += String(Math.floor(d.getTime() / 1000)); break;
      case 'T': out += `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`; break;
      case 'F': out += `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`; break;
      case 'D': out += `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${p2(d.getFullYear() % 100)}`; break;
      case 'R': out += `${p2(d.getHours())}:${p2(d.getMinutes())}`; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '%': out += '%'; break;
      default: out += `%${k ?? ''}`;
    }
  }
  return out;
}

/** lighttpd's default `%t`: `[25/Nov/2026:15:16:00 +0000]`. */
export const CLF_TIME = '[%d/%b/%Y:%H:%M:%S %z]';

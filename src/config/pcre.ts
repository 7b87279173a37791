/**
 * PCRE2 → JavaScript regex translation for condition patterns (lighttpd compiles them with PCRE2 in
 * UTF mode). What JavaScript can express is rewritten to behave the same: leading inline flags,
 * `\Q…\E`, `\A \z \Z`, PCRE's `$` (end or before a final newline) and `.` (anything but `\n`),
 * `\x{…}`, `\e`, `\h`, `\R`, POSIX classes, `(?P<n>…)`, literal `{`/`}`/`]`, identity escapes.
 * What it cannot (possessive quantifiers, atomic groups, recursion, conditionals, `\K`, `\G`, mid-pattern
 * flags, …) is reported so that the config author can rewrite the pattern.
 */

/** A translated pattern, or the PCRE feature JavaScript lacks. */
export type PcreTranslation = { readonly ok: true; readonly source: string; readonly flags: string } | { readonly ok: false; readonly feature: string };

const POSIX: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
};
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const H_SPACE = '\\t \\u00a0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';

function literal(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  return ch;
}

/** Translates one escape sequence at `i` (pattern[i] === '\\'); returns [js, consumed] or a feature name. */
function escape(p: string, i: number, inClass: boolean): [string, number] | string {
  const c = p[i + 1] ?? '';
  if (c === '') return 'a trailing backslash';
  if (/[dDwWsStnrf0-9]/.test(c) && !(c === '0')) {
    if (/[1-9]/.test(c) && inClass) return 'an octal escape in a class';
    return [`\\${c}`, 2];
  }
  if (c === '0') {
    const m = /^0[0-7]{0,2}/.exec(p.slice(i + 1));
    return [`\\u{${parseInt(m?.[0] ?? '0', 8).toString(16)}}`, 1 + (m?.[0].length ?? 1)];
  }
  if (c === 'b' || c === 'B') return inClass ? (c === 'b' ? ['\\x08', 2] : 'a \\B in a class') : [`\\${c}`, 2];
  if (c === 'x') {
    const braced = /^x\{([0-9a-fA-F]+)\}/.exec(p.slice(i + 1));
    if (braced) return [`\\u{${braced[1] ?? '0'}}`, 1 + braced[0].length];
    const m = /^x([0-9a-fA-F]{0,2})/.exec(p.slice(i + 1));
    return [`\\u{${(m?.[1] || '0')}}`, 1 + (m?.[0].length ?? 1)];
  }
  if (c === 'c') return [`\\c${p[i + 2] ?? ''}`, 3];
  if (c === 'e') return ['\\x1b', 2];
  if (c === 'a') return ['\\x07', 2];
  if (c === 'v') return [inClass ? '\\n-\\r\\x85\\u2028\\u2029' : '[\\n-\\r\\x85\\u2028\\u2029]', 2];
  if (c === 'h') return [inClass ? H_SPACE : `[${H_SPACE}]`, 2];
  if (c === 'H') return inClass ? '\\H in a class' : [`[^${H_SPACE}]`, 2];
  if (c === 'N' && !inClass) return ['[^\\n]', 2];
  if (inClass) {
    if (/[A-Za-z]/.test(c)) return `the escape \\${c} in a class`;
    return [literal(c, true), 2];
  }
  if (c === 'A') return ['(?<![\\s\\S])', 2];
  if (c === 'z') return ['(?![\\s\\S])', 2];
  if (c === 'Z') return ['(?=\\n?(?![\\s\\S]))', 2];
  if (c === 'R') return ['(?:\\r\\n|[\\n-\\r\\x85\\u2028\\u2029])', 2];
  if (c === 'g') {
    const m = /^g\{?([1-9][0-9]*)\}?/.exec(p.slice(i + 1));
    if (m) return [`\\${m[1] ?? ''}`, 1 + m[0].length];
    return 'relative or named \\g back-references';
  }
  if (c === 'k') {
    const m = /^k(?:<([A-Za-z_]\w*)>|\{([A-Za-z_]\w*)\}|'([A-Za-z_]\w*)')/.exec(p.slice(i + 1));
    if (m) return [`\\k<${m[1] ?? m[2] ?? m[3] ?? ''}>`, 1 + m[0].length];
  }
  if (c === 'p' || c === 'P') {
    const m = /^[pP](\{[^}]*\}|[A-Za-z])/.exec(p.slice(i + 1));
    if (m) return [`\\${c}${m[1]?.startsWith('{') ? m[1] : `{${m[1] ?? ''}}`}`, 1 + m[0].length];
  }
  if (/[A-Za-z]/.test(c)) return `the escape \\${c}`;
  return [literal(c, false), 2];
}

/** Translates a PCRE2 pattern to a JavaScript source plus flags (always used with the `u` flag). */
export function translatePcre(pattern: string): PcreTranslation {
  let p = pattern;
  let flags = '';
  // leading (*VERB)s and inline option settings become flags
  for (;;) {
    const verb = /^\(\*(UTF8?|UCP|UTF16|UTF32)\)/.exec(p);
    if (verb) {
      p = p.slice(verb[0].length);
      continue;
    }
    const opt = /^\(\?([imsxJnU]*)(?:-([imsxJnU]*))?\)/.exec(p);
    if (!opt || opt[0] === '()') break;
    const on = opt[1] ?? '';
    if (/[xJnU]/.test(on) || (opt[2] ?? '') !== '') return { ok: false, feature: `the inline option (?${on}${opt[2] ? `-${opt[2]}` : ''})` };
    for (const f of on) if (!flags.includes(f)) flags += f;
    p = p.slice(opt[0].length);
  }
  const multiline = flags.includes('m');
  const dotAll = flags.includes('s');
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < p.length) {
    const c = p[i] ?? '';
    if (c === '\\' && p[i + 1] === 'Q') {
      const end = p.indexOf('\\E', i + 2);
      const text = p.slice(i + 2, end < 0 ? p.length : end);
      out += [...text].map((ch) => literal(ch, inClass)).join('');
      i = end < 0 ? p.length : end + 2;
      continue;
    }
    if (c === '\\' && p[i + 1] === 'E') {
      i += 2;
      continue;
    }
    if (c === '\\') {
      const r = escape(p, i, inClass);
      if (typeof r === 'string') return { ok: false, feature: r };
      out += r[0];
      i += r[1];
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i));
      if (posix) {
        const set = POSIX[posix[2] ?? ''];
        if (set === undefined || posix[1]) return { ok: false, feature: `the POSIX class ${posix[0]}` };
        out += set;
        i += posix[0].length;
        continue;
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      i++;
      if (p[i] === '^') {
        out += '^';
        i++;
      }
      if (p[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      const rest = p.slice(i);
      if (rest.startsWith('(?#')) {
        const end = p.indexOf(')', i);
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      const named = /^\(\?(?:P<|<(?![=!])|')([A-Za-z_]\w*)[>']/.exec(rest);
      if (named) {
        out += `(?<${named[1] ?? ''}>`;
        i += named[0].length;
        continue;
      }
      const backref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
      if (backref) {
        out += `\\k<${backref[1] ?? ''}>`;
        i += backref[0].length;
        continue;
      }
      if (/^\(\?(?::|=|!|<=|<!)/.test(rest)) {
        out += '(';
        i++;
        continue;
      }
      return { ok: false, feature: `the group syntax ${rest.slice(0, 4)}…` };
    }
    if (c === '(' && p[i + 1] === '*') return { ok: false, feature: `the verb ${p.slice(i, p.indexOf(')', i) + 1)}` };
    if ((c === '*' || c === '+' || c === '?' || c === '}') && p[i + 1] === '+' && (c !== '}' || out.endsWith('}'))) {
      return { ok: false, feature: 'possessive quantifiers (*+, ++, ?+)' };
    }
    if (c === '{') {
      const q = /^\{[0-9]+(,[0-9]*)?\}/.exec(p.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length;
        if (p[i] === '+') return { ok: false, feature: 'possessive quantifiers ({n}+)' };
        continue;
      }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '}' || c === ']') out += `\\${c}`;
    else if (c === '.') out += dotAll ? '[\\s\\S]' : '[^\\n]';
    else if (c === '$') out += multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
    else if (c === '^') out += multiline ? '(?:(?<![\\s\\S])|(?<=\\n))' : '^';
    else if (c === '/') out += '\\/';
    else out += c;
    i++;
  }
  return { ok: true, source: out, flags: flags.replace(/[ms]/g, '') };
}

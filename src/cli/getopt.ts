/**
 * lighttpd's option scanning: GNU `getopt(argc, argv, "f:m:i:hvVD1pt")` (cli-print.md §1).
 *
 * Bundling (`-tt`, `-Dp`, `-ft.conf`), an option argument in the next word (`-f x.conf`), permutation
 * (non-option words anywhere are skipped), `--` ending the options. No long options. The scan yields the
 * options in order so the caller can act on each one as lighttpd does (a failing `-f` stops before a later
 * `-v` is seen); a problem becomes an `error` item at the place getopt would have reported it.
 */

/** The option letters lighttpd 1.4.69 knows; those followed by ':' take an argument. */
export const OPTION_STRING = 'f:m:i:hvVD1pt';

export type OptionLetter = 'f' | 'm' | 'i' | 'h' | 'v' | 'V' | 'D' | '1' | 'p' | 't';

/** One scanned option, or the problem getopt reports at that point. */
export type ScanItem =
  | { readonly kind: 'option'; readonly letter: OptionLetter; readonly arg?: string }
  | { readonly kind: 'error'; readonly message: string };

function takesArgument(letter: string): boolean | undefined {
  const i = OPTION_STRING.indexOf(letter);
  if (letter === ':' || i < 0) return undefined;
  return OPTION_STRING[i + 1] === ':';
}

/** Scans argv (without node and script path) as GNU getopt does; `prog` names the program in messages. */
export function scanOptions(argv: readonly string[], prog: string): ScanItem[] {
  const items: ScanItem[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') break;
    if (word.startsWith('--')) {
      // plain getopt() has no long options: `--foo` is the invalid option '-'
      items.push({ kind: 'error', message: `${prog}: invalid option -- '-'` });
      return items;
    }
    if (!word.startsWith('-') || word === '-') continue; // a non-option word: permuted away, ignored
    for (let j = 1; j < word.length; j++) {
      const letter = word[j] ?? '';
      const wantsArg = takesArgument(letter);
      if (wantsArg === undefined) {
        items.push({ kind: 'error', message: `${prog}: invalid option -- '${letter}'` });
        return items;
      }
      if (!wantsArg) {
        items.push({ kind: 'option', letter: letter as OptionLetter });
        continue;
      }
      let arg = word.slice(j + 1);
      if (arg === '') {
        if (i + 1 >= argv.length) {
          items.push({ kind: 'error', message: `${prog}: option requires an argument -- '${letter}'` });
          return items;
        }
        i += 1;
        arg = argv[i] ?? '';
      }
      items.push({ kind: 'option', letter: letter as OptionLetter, arg });
      break;
    }
  }
  return items;
}

/**
 * C `strtol(s, &end, 0)` as lighttpd's `-i` uses it: optional blanks and sign, then `0x` hex, leading-0
 * octal or decimal. Returns null when nothing was parsed, junk follows, or the value is negative.
 */
export function parseIdleTimeout(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (m === null) return null;
  const digits = m[2] ?? '';
  let value: number;
  if (/^0[xX]/.test(digits)) value = Number.parseInt(digits.slice(2), 16);
  else if (digits.startsWith('0')) value = digits.length === 1 ? 0 : Number.parseInt(digits.slice(1), 8);
  else value = Number.parseInt(digits, 10);
  if (m[1] === '-' && value !== 0) return null;
  return Math.min(value, 2 ** 31 - 1);
}

/**
 * lighttpd 1.4.69's config tokenizer (config-language.md §2), re-implemented over the file's bytes.
 *
 * It is stateful exactly like lighttpd's: condition mode (set by `$`, cleared by a condition operator),
 * parenthesis depth (newlines and commas mean something else inside `( … )`), and the `}` rule that
 * makes a `}` followed by more text on the same line behave as if a newline followed it.
 * Positions are 1-based; columns count bytes. Unlike lighttpd, newlines inside strings are counted, so
 * lines in our messages are the physical ones.
 *
 * A tokenizer error ends the file (as in lighttpd, where the whole read fails): the result then has
 * `error` set and the tokens before it. A NUL byte ends the input with a warning (lighttpd logs
 * "stray NUL" and parses what came before). Without an error, one extra EOL is appended at the end, as
 * lighttpd's driver does.
 */
import type { IToken, TokenType } from 'chevrotain';
import { createTokenInstance } from './chevrotain.js';
import type { GrammarProblem } from './problem.js';
import * as T from './tokens.js';

/** A located problem found while tokenizing (the file fails on an error; a warning does not). */
export type LexProblem = GrammarProblem;

/** What the tokenizer produced for one file. */
export interface LexResult {
  readonly tokens: IToken[];
  /** Set when the tokenizer failed; `tokens` then holds what came before and no final EOL. */
  readonly error: LexProblem | null;
  readonly warnings: LexProblem[];
  /** Where the input ended (after the last byte, or at a NUL byte). */
  readonly endLine: number;
  readonly endColumn: number;
}

const CH_TAB = 0x09;
const CH_LF = 0x0a;
const CH_CR = 0x0d;
const CH_SPACE = 0x20;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isKeyChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 0x2e || c === 0x5f || c === 0x2d;
}

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['include', T.Include],
  ['include_shell', T.IncludeShell],
  ['global', T.Global],
  ['else', T.Else],
]);

/** Describes one byte for a message: a printable character is quoted, anything else is shown in hex. */
function describeByte(c: number): string {
  if (c >= 0x21 && c <= 0x7e) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

class Scanner {
  readonly #src: Uint8Array;
  readonly #decoder = new TextDecoder('utf-8');
  /** The whole input as a string when it is pure ASCII (then byte offsets are string indexes). */
  readonly #ascii: string | null;
  #offset = 0;
  #line = 1;
  #lineStart = 0;
  #parens = 0;
  #inCond = false;
  #simulateEol = false;
  /** Where the last `$` was, to explain condition-mode errors. */
  #lastDollar: { line: number; column: number } | null = null;
  readonly tokens: IToken[] = [];
  readonly warnings: LexProblem[] = [];
  error: LexProblem | null = null;

  constructor(src: Uint8Array) {
    this.#src = src;
    this.#ascii = src.every((b) => b < 0x80) ? new TextDecoder('latin1').decode(src) : null;
  }

  #at(i: number): number {
    return i < this.#src.length ? (this.#src[i] ?? 0) : 0;
  }

  #col(offset: number): number {
    return offset - this.#lineStart + 1;
  }

  #text(start: number, end: number): string {
    if (this.#ascii !== null) return this.#ascii.slice(start, end);
    return this.#decoder.decode(this.#src.subarray(start, end));
  }

  #push(type: TokenType, start: number, end: number, startLine: number, startCol: number): void {
    const image = this.#text(start, end);
    const endCol = end > start ? this.#col(end - 1) : startCol;
    this.tokens.push(createTokenInstance(type, image, start, Math.max(start, end - 1), startLine, this.#line, startCol, endCol));
  }

  #fail(code: string, message: string, offset = this.#offset, line = this.#line, column = this.#col(offset)): void {
    this.error = { severity: 'error', code, message, line, column };
  }

  /** Steps over one line end (`\n`, `\r\n` or a lone `\r`) and counts it. */
  #newline(): void {
    const c = this.#at(this.#offset);
    this.#offset += c === CH_CR && this.#at(this.#offset + 1) === CH_LF ? 2 : 1;
    this.#line++;
    this.#lineStart = this.#offset;
  }

  #skipComment(): void {
    let i = this.#offset + 1;
    while (i < this.#src.length) {
      const c = this.#at(i);
      if (c === 0 || c === CH_CR || c === CH_LF) break;
      i++;
    }
    this.#offset = i;
  }

  /** Runs until the input ends or an error occurs. */
  run(): void {
    while (this.error === null && this.#next()) {
      /* one token per call */
    }
  }

  /** Produces one token (or skips something); false at the end of the input. */
  #next(): boolean {
    if (this.#simulateEol) {
      this.#simulateEol = false;
      this.#push(T.Eol, this.#offset, this.#offset, this.#line, this.#col(this.#offset));
      return true;
    }
    const src = this.#src;
    while (this.#offset < src.length) {
      const start = this.#offset;
      const line = this.#line;
      const col = this.#col(start);
      const c = this.#at(start);
      const c1 = this.#at(start + 1);
      switch (c) {
        case CH_TAB:
        case CH_SPACE:
          this.#offset++;
          continue;
        case 0x3d: // '='
          if (this.#parens > 0) {
            if (c1 !== 0x3e) {
              this.#fail('TSW_CONFIG_ARRAY_ASSIGN', "inside '( … )' use '=>' to give an element a key (a plain '=' is not allowed there)");
              return false;
            }
            this.#offset += 2;
            this.#push(T.ArrayAssign, start, start + 2, line, col);
            return true;
          }
          if (this.#inCond) {
            const type = c1 === 0x3d ? T.CondEq : c1 === 0x7e ? T.CondMatch : c1 === 0x5e ? T.CondPrefix : c1 === 0x24 ? T.CondSuffix : null;
            if (type === null) {
              this.#fail('TSW_CONFIG_COND_OPERATOR', `invalid condition operator '=${c1 ? String.fromCharCode(c1) : ''}': only ==, !=, =~, !~, =^ and =$ are allowed`);
              return false;
            }
            this.#offset += 2;
            this.#inCond = false;
            this.#push(type, start, start + 2, line, col);
            return true;
          }
          this.#offset++;
          this.#push(T.Assign, start, start + 1, line, col);
          return true;
        case 0x21: // '!'
          if (this.#inCond) {
            const type = c1 === 0x3d ? T.CondNe : c1 === 0x7e ? T.CondNoMatch : null;
            if (type === null) {
              this.#fail('TSW_CONFIG_COND_OPERATOR', "invalid condition operator: after '!' only '!=' and '!~' are allowed");
              return false;
            }
            this.#offset += 2;
            this.#inCond = false;
            this.#push(type, start, start + 2, line, col);
            return true;
          }
          this.#fail('TSW_CONFIG_UNEXPECTED_CHAR', "unexpected '!' (it is only valid in a condition, as '!=' or '!~')");
          return false;
        case CH_LF:
        case CH_CR:
          this.#lineEnds();
          if (this.#parens === 0) {
            this.#push(T.Eol, start, this.#offset, line, col);
            return true;
          }
          continue;
        case 0x2c: // ','
          this.#offset++;
          if (this.#parens > 0) {
            this.#push(T.Comma, start, start + 1, line, col);
            return true;
          }
          continue; // lighttpd: a comma outside parentheses is skipped like a blank
        case 0x22: // '"'
          return this.#string(start, line, col);
        case 0x28: // '('
          this.#offset++;
          this.#parens++;
          this.#push(T.LParen, start, start + 1, line, col);
          return true;
        case 0x29: // ')'
          if (this.#parens === 0) {
            this.#fail('TSW_CONFIG_UNBALANCED_PAREN', "')' without a matching '('");
            return false;
          }
          this.#offset++;
          this.#parens--;
          this.#push(T.RParen, start, start + 1, line, col);
          return true;
        case 0x24: // '$'
          this.#offset++;
          this.#inCond = true;
          this.#lastDollar = { line, column: col };
          this.#push(T.Dollar, start, start + 1, line, col);
          return true;
        case 0x2b: // '+'
          if (c1 === 0x3d) {
            this.#offset += 2;
            this.#push(T.AppendAssign, start, start + 2, line, col);
          } else {
            this.#offset++;
            this.#push(T.Plus, start, start + 1, line, col);
          }
          return true;
        case 0x3a: // ':'
          if (c1 !== 0x3d) {
            this.#fail('TSW_CONFIG_UNEXPECTED_CHAR', "unexpected ':' (did you mean ':='?)");
            return false;
          }
          this.#offset += 2;
          this.#push(T.ForceAssign, start, start + 2, line, col);
          return true;
        case 0x7b: // '{'
          this.#offset++;
          this.#push(T.LCurly, start, start + 1, line, col);
          return true;
        case 0x7d: // '}'
          this.#closeCurly();
          this.#push(T.RCurly, start, start + 1, line, col);
          return true;
        case 0x5b: // '['
          this.#offset++;
          this.#push(T.LBracket, start, start + 1, line, col);
          return true;
        case 0x5d: // ']'
          this.#offset++;
          this.#push(T.RBracket, start, start + 1, line, col);
          return true;
        case 0x23: // '#'
          this.#skipComment();
          continue;
        case 0:
          this.warnings.push({
            severity: 'warning', code: 'TSW_CONFIG_NUL_BYTE', line, column: col,
            message: 'NUL byte: lighttpd stops reading the file here and ignores the rest',
          });
          return false;
        default:
          return this.#word(start, line, col, c);
      }
    }
    return false;
  }

  /** lighttpd: after a line end, further line ends, blanks and comments are swallowed into one EOL. */
  #lineEnds(): void {
    while (this.#offset < this.#src.length) {
      const c = this.#at(this.#offset);
      if (c === CH_CR || c === CH_LF) this.#newline();
      else if (c === 0x23) this.#skipComment();
      else if (c === CH_TAB || c === CH_SPACE) this.#offset++;
      else break;
    }
  }

  /** The `}` rule: anything other than a blank, a comment or a line end after it acts as a line end. */
  #closeCurly(): void {
    while (++this.#offset < this.#src.length) {
      const c = this.#at(this.#offset);
      if (c === CH_CR || c === CH_LF) break;
      if (c === 0x23) {
        this.#skipComment();
        break;
      }
      if (c !== CH_SPACE && c !== CH_TAB) {
        this.#simulateEol = true;
        break;
      }
    }
  }

  #string(start: number, line: number, col: number): boolean {
    let i = start + 1;
    for (;;) {
      const c = this.#at(i);
      if (i >= this.#src.length || c === 0) {
        this.#fail('TSW_CONFIG_UNTERMINATED_STRING',
          "this string is never closed (missing '\"'; note that \\\" does not end a string, and a string cannot end in a backslash)",
          start, line, col);
        return false;
      }
      if (c === 0x22) break;
      if (c === 0x5c && this.#at(i + 1) === 0x22) {
        i += 2;
        continue;
      }
      if (c === CH_LF || (c === CH_CR && this.#at(i + 1) !== CH_LF)) {
        this.#line++;
        this.#lineStart = i + 1;
      }
      i++;
    }
    this.#offset = i + 1;
    this.#push(T.StringLiteral, start, i + 1, line, col);
    return true;
  }

  /** A name in condition mode, a number, or a key word; also the NO-BREAK SPACE rule. */
  #word(start: number, line: number, col: number, c: number): boolean {
    if (this.#inCond) {
      let i = start;
      while (isAlpha(this.#at(i)) || this.#at(i) === 0x5f) i++;
      if (i > start && i < this.#src.length && this.#at(i) !== 0) {
        this.#offset = i;
        this.#push(T.SrvVarName, start, i, line, col);
        return true;
      }
      const bad = i > start ? this.#at(i) : c;
      const dollar = this.#lastDollar;
      const where = dollar ? ` (the '$' at ${dollar.line}:${dollar.column} started a condition, which lasts until its operator)` : '';
      this.#fail('TSW_CONFIG_BAD_CHAR', i > start && i >= this.#src.length
        ? `the file ends inside a condition header${where}`
        : `invalid ${describeByte(bad)} in a condition header${where}`, i > start ? i : start);
      return false;
    }
    if (isDigit(c)) {
      let i = start + 1;
      while (isDigit(this.#at(i))) i++;
      this.#offset = i;
      this.#push(T.Integer, start, i, line, col);
      return true;
    }
    let i = start;
    while (isKeyChar(this.#at(i))) i++;
    if (i > start && i < this.#src.length && this.#at(i) !== 0) {
      this.#offset = i;
      const word = this.#text(start, i);
      this.#push(KEYWORDS.get(word) ?? T.Key, start, i, line, col);
      return true;
    }
    if (i === start && c === 0xc2 && this.#at(start + 1) === 0xa0) {
      this.#offset += 2; // lighttpd treats U+00A0 NO-BREAK SPACE as a blank where a key could start
      return true;
    }
    if (i > start && i >= this.#src.length) {
      this.#fail('TSW_CONFIG_KEY_AT_EOF', `'${this.#text(start, i)}' is the last thing in the file: lighttpd needs at least a newline after a key`, start);
    } else {
      const bad = i > start ? this.#at(i) : c;
      this.#fail('TSW_CONFIG_BAD_CHAR', `invalid character ${describeByte(bad)} (a key may only contain A-Z a-z 0-9 . _ -)`, i);
    }
    return false;
  }

  /** Appends the EOL that lighttpd's driver feeds at the end of the input. */
  finish(): LexResult {
    const end = this.#offset;
    const endLine = this.#line;
    const endColumn = this.#col(end);
    if (this.error === null) {
      if (this.#simulateEol) this.#simulateEol = false;
      this.tokens.push(createTokenInstance(T.Eol, '', end, end, endLine, endLine, endColumn, endColumn));
    }
    return { tokens: this.tokens, error: this.error, warnings: this.warnings, endLine, endColumn };
  }
}

/** Tokenizes one config file (or include_shell output) exactly as lighttpd 1.4.69 does. */
export function tokenize(src: Uint8Array): LexResult {
  const scanner = new Scanner(src);
  scanner.run();
  return scanner.finish();
}

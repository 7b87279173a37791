/**
 * lighttpd's error recovery, emulated: which tokens does lemon silently throw away?
 *
 * lighttpd 1.4.69's lemon parser has no error rules and no syntax-error handler, so on a token it
 * cannot use it takes the state's default reduction if there is one, and otherwise discards the token
 * and tries the next one in the same state; only discarding the end of input fails
 * (config-language.md §3.2). `server.port 80`, Allman braces, `x = "a" "b"` and a stray `}` all
 * "work" that way. This module runs the real 40-state table token by token and returns the tokens
 * lemon kept (a valid sentence, which grammar/parser.ts then parses without any recovery of its own),
 * one warning per run of discarded tokens, and an error when the end of input had to be discarded.
 * Because the grammar is unambiguous, the kept tokens parse to exactly the tree lemon built.
 */
import type { IToken } from 'chevrotain';
import { ACCEPT_RULE, RULES, STACK_DEPTH, STATES, TERMINAL_OF, type Action, type Terminal } from './lalr-table.js';
import type { GrammarProblem } from './problem.js';

/** The outcome for one file. */
export interface RecoveryResult {
  /** The tokens lemon shifted, in order (without the end marker). */
  readonly kept: IToken[];
  readonly warnings: GrammarProblem[];
  /** Set when the parse fails (end of input discarded, or absurd nesting). */
  readonly error: GrammarProblem | null;
}

/** Where the end of input is, for messages about it. */
export interface EndPosition {
  readonly line: number;
  readonly column: number;
}

const PLACEHOLDER = -1;

/** Words for what a state wanted, used in the discard warnings. */
function expectation(state: number, prev: IToken | undefined): string {
  switch (state) {
    case 22:
      return `missing '=' after '${prev?.image ?? 'the key'}'?`;
    case 23:
      return "missing ',' between array elements?";
    case 5:
      return "expected an array element or ')'";
    case 25:
    case 31:
    case 37:
      return "expected '{'";
    case 17:
      return 'expected a condition operator (==, !=, =~, !~, =^, =$)';
    case 27:
      return "expected ']'";
    case 29:
      return "expected '[' after the condition name";
    case 30:
      return "expected a condition name such as HTTP after '$'";
    case 38:
      return "expected 'else'";
    case 1:
    case 2:
    case 3:
    case 4:
      return 'expected the start of a statement (a key, include, global or a condition)';
    default:
      return state >= 7 && state <= 16 ? `expected a value after '${prev?.image ?? ''}'` : 'unexpected here';
  }
}

/** A more specific reason for a discarded token at a statement start. */
function statementHint(tok: IToken, state: number, prev: IToken | undefined): string | null {
  const t = TERMINAL_OF.get(tok.tokenType);
  const p = prev ? TERMINAL_OF.get(prev.tokenType) : undefined;
  if (state <= 4 && (t === 'STRING' || t === 'INTEGER') && (p === 'STRING' || p === 'INTEGER' || p === 'RPARAN' || p === 'LKEY')) {
    return "missing '+' to join it to the value before?";
  }
  if (t === 'RCURLY') return state === 4 ? "no block is open" : null;
  if (t === 'LCURLY') return "'{' must follow a condition such as $HTTP[\"host\"] == \"…\" or 'else'";
  if (t === 'ELSE') return "'else' must follow the '}' of a condition block";
  if (t === 'ASSIGN' || t === 'APPEND' || t === 'FORCE_ASSIGN') return `'${tok.image}' needs a key before it`;
  return null;
}

class Driver {
  readonly #stack: number[] = [0];
  readonly kept: IToken[] = [];
  readonly warnings: GrammarProblem[] = [];
  error: GrammarProblem | null = null;
  accepted = false;
  /** The current run of discarded tokens and the state it started in. */
  #run: IToken[] = [];
  #runState = 0;
  /** Shifted `{` and `(` that are not closed yet (for the end-of-input message). */
  readonly #open: IToken[] = [];

  #top(): number {
    return this.#stack[this.#stack.length - 1] ?? 0;
  }

  #push(state: number, tok: IToken | null): boolean {
    if (this.#stack.length >= STACK_DEPTH) {
      this.error = {
        severity: 'error', code: 'TSW_CONFIG_TOO_DEEP', line: tok?.startLine ?? 1, column: tok?.startColumn ?? 1,
        message: `nesting is too deep here: lighttpd's parser stack holds ${STACK_DEPTH} entries and it would silently lose or abort on this config`,
      };
      return false;
    }
    this.#stack.push(state);
    return true;
  }

  /** Reduces by a rule and follows the gotos (which may reduce again). */
  #reduce(rule: number): boolean {
    for (;;) {
      if (rule === ACCEPT_RULE) {
        this.accepted = true;
        return true;
      }
      const r = RULES[rule];
      if (r === undefined) throw new Error(`no rule ${rule}`);
      this.#stack.length -= r.size;
      const go = STATES[this.#top()]?.gotos.get(r.lhs);
      if (go === undefined) throw new Error(`no goto for ${r.lhs} in state ${this.#top()}`);
      if (go.kind === 'shift') return this.#push(go.state, null);
      if (go.kind !== 'shiftReduce') throw new Error(`bad goto ${go.kind}`);
      if (!this.#push(PLACEHOLDER, null)) return false;
      rule = go.rule;
    }
  }

  #shifted(tok: IToken, t: Terminal): void {
    this.#flushRun();
    this.kept.push(tok);
    if (t === 'LCURLY' || t === 'LPARAN') this.#open.push(tok);
    else if (t === 'RCURLY' || t === 'RPARAN') this.#open.pop();
  }

  #discard(tok: IToken, state: number): void {
    if (this.#run.length === 0) this.#runState = state;
    this.#run.push(tok);
  }

  /** Ends the current discard run with one warning (runs of line ends alone are harmless, no warning). */
  #flushRun(): void {
    const run = this.#run;
    if (run.length === 0) return;
    this.#run = [];
    const visible = run.filter((t) => TERMINAL_OF.get(t.tokenType) !== 'EOL');
    const first = visible[0];
    if (first === undefined) return;
    let shown = visible.slice(0, 4).map((t) => t.image).join(' ').replace(/\r?\n/g, '\\n');
    if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
    else if (visible.length > 4) shown += ' …';
    const prev = this.kept[this.kept.length - 1];
    const hint = statementHint(first, this.#runState, prev) ?? expectation(this.#runState, prev);
    this.warnings.push({
      severity: 'warning', code: 'TSW_CONFIG_IGNORED_TOKENS', line: first.startLine ?? 1, column: first.startColumn ?? 1,
      message: `lighttpd ignores \`${shown}\` here: ${hint}`,
    });
  }

  /** Feeds one token (null = end of input). */
  feed(tok: IToken | null, end: EndPosition): void {
    const t: Terminal = tok === null ? '$' : (TERMINAL_OF.get(tok.tokenType) ?? '$');
    for (;;) {
      if (this.error !== null || this.accepted) return;
      const state = this.#top();
      const s = STATES[state];
      if (s === undefined) throw new Error(`no state ${state}`);
      const a: Action = s.actions.get(t) ?? s.fallback;
      switch (a.kind) {
        case 'shift':
          if (tok !== null && this.#push(a.state, tok)) this.#shifted(tok, t);
          return;
        case 'shiftReduce':
          if (tok !== null && this.#push(PLACEHOLDER, tok)) {
            this.#shifted(tok, t);
            this.#reduce(a.rule);
          }
          return;
        case 'reduce':
          if (!this.#reduce(a.rule)) return;
          continue;
        case 'error':
          if (tok !== null) {
            this.#discard(tok, state);
            return;
          }
          this.#flushRun();
          this.error = this.#endError(state, end);
          return;
      }
    }
  }

  #endError(state: number, end: EndPosition): GrammarProblem {
    const open = this.#open[this.#open.length - 1];
    if (open !== undefined) {
      const what = open.image === '{' ? "block's '{'" : "'('";
      const closer = open.image === '{' ? '}' : ')';
      return {
        severity: 'error', code: 'TSW_CONFIG_UNEXPECTED_END', line: end.line, column: end.column,
        message: `unexpected end of file: the ${what} at ${open.startLine}:${open.startColumn} is never closed (missing '${closer}')`,
      };
    }
    const prev = this.kept[this.kept.length - 1];
    return {
      severity: 'error', code: 'TSW_CONFIG_UNEXPECTED_END', line: end.line, column: end.column,
      message: `unexpected end of file: the statement is incomplete (${expectation(state, prev)})`,
    };
  }
}

/**
 * Runs lighttpd's parser table over the tokens of one file (which must end with the EOL the tokenizer
 * appends) and reports what lemon would discard.
 */
export function recover(tokens: readonly IToken[], end: EndPosition): RecoveryResult {
  const d = new Driver();
  for (const tok of tokens) d.feed(tok, end);
  d.feed(null, end);
  return { kept: d.kept, warnings: d.warnings, error: d.error };
}

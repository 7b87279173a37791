/**
 * The grammar layer's API: config text in, CST plus located diagnostics out.
 *
 * Pipeline per file (config-language.md §2–§3): tokenize as lighttpd does → rewrite the newer else-if
 * spellings (grammar/else-if.ts) → emulate lemon's discard recovery with the real LALR table
 * (grammar/recovery.ts) → parse the kept tokens into a CST. No file I/O and no semantics here.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type { ConfigCstNode } from './cst.generated.js';
import { rewriteElseIf } from './else-if.js';
import { tokenize } from './lexer.js';
import { configParser, parseTokens } from './parser.js';
import type { GrammarProblem } from './problem.js';
import { recover } from './recovery.js';

export type { GrammarProblem } from './problem.js';
export type * from './cst.generated.js';
export { decodeStringImage } from './tokens.js';

/** A diagnostic of the grammar layer, located in `file` (structurally a src/diagnostics Diagnostic). */
export interface GrammarDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly loc: { readonly file: string; readonly line: number; readonly column: number };
}

/** The outcome of parsing one file: a CST unless lighttpd would fail on it, and every diagnostic. */
export interface ParseResult {
  readonly cst?: ConfigCstNode;
  readonly diagnostics: GrammarDiagnostic[];
}

function locate(p: GrammarProblem, file: string): GrammarDiagnostic {
  return { severity: p.severity, code: p.code, message: p.message, loc: { file, line: p.line, column: p.column } };
}

function byPosition(a: GrammarProblem, b: GrammarProblem): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * Where a parser error is: the offending token, or — at the end of input, where Chevrotain 11 gives
 * NaN — just after the token before it.
 */
export function parserErrorPosition(e: IRecognitionException): { line: number; column: number } {
  const tok: IToken = e.token;
  if (Number.isFinite(tok.startLine) && Number.isFinite(tok.startColumn)) {
    return { line: tok.startLine ?? 1, column: tok.startColumn ?? 1 };
  }
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  if (prev && Number.isFinite(prev.endLine) && Number.isFinite(prev.endColumn)) {
    return { line: prev.endLine ?? 1, column: (prev.endColumn ?? 0) + 1 };
  }
  return { line: 1, column: 1 };
}

/** Parses the tokens as the CstParser sees them; reports the first parser error if any. */
export function parseKeptTokens(tokens: IToken[], file: string): ParseResult {
  const cst = parseTokens(tokens) as ConfigCstNode;
  const first = configParser.errors[0];
  if (first !== undefined) {
    const at = parserErrorPosition(first);
    return { diagnostics: [locate({ severity: 'error', code: 'TSW_CONFIG_SYNTAX', message: first.message, ...at }, file)] };
  }
  return { cst, diagnostics: [] };
}

/** Parses one config file's text (bytes are decoded as UTF-8 where text is needed). */
export function parseConfigText(text: string | Uint8Array, file: string): ParseResult {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const lexed = tokenize(bytes);
  const problems: GrammarProblem[] = [...lexed.warnings];
  if (lexed.error !== null) {
    problems.push(lexed.error);
    return { diagnostics: problems.sort(byPosition).map((p) => locate(p, file)) };
  }
  const rewritten = rewriteElseIf(bytes, lexed.tokens);
  problems.push(...rewritten.warnings);
  const recovered = recover(rewritten.tokens, { line: lexed.endLine, column: lexed.endColumn });
  problems.push(...recovered.warnings);
  if (recovered.error !== null) {
    problems.push(recovered.error);
    return { diagnostics: problems.sort(byPosition).map((p) => locate(p, file)) };
  }
  const parsed = parseKeptTokens(recovered.kept, file);
  const diagnostics = [...problems.sort(byPosition).map((p) => locate(p, file)), ...parsed.diagnostics];
  return parsed.cst ? { cst: parsed.cst, diagnostics } : { diagnostics };
}

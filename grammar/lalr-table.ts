/**
 * lighttpd 1.4.69's parser as data: the rules of configparser.y and the 40-state lemon LALR(1)
 * action table (config-language.md §3.1 and Appendix A).
 *
 * Actions are written as in the spec: `sN` shift and go to state N, `srR` shift and reduce rule R,
 * `rR` reduce rule R without consuming the token, `ERROR` discard the token. The gotos of S1–S4 for
 * `varline`/`global`/`include`/`include_shell` go through the unit rules 39–42 (lemon folds them; the
 * effect is the same).
 */
import type { TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** A terminal of lighttpd's grammar; `$` is the end of input. */
export type Terminal =
  | 'EOL' | 'ASSIGN' | 'FORCE_ASSIGN' | 'APPEND' | 'LKEY' | 'PLUS' | 'STRING' | 'INTEGER' | 'LPARAN'
  | 'RPARAN' | 'COMMA' | 'ARRAY_ASSIGN' | 'GLOBAL' | 'LCURLY' | 'RCURLY' | 'ELSE' | 'DOLLAR'
  | 'SRVVARNAME' | 'LBRACKET' | 'RBRACKET' | 'EQ' | 'MATCH' | 'NE' | 'NOMATCH' | 'PREFIX' | 'SUFFIX'
  | 'INCLUDE' | 'INCLUDE_SHELL' | '$';

/** Maps our Chevrotain token types to lighttpd's terminals. */
export const TERMINAL_OF: ReadonlyMap<TokenType, Terminal> = new Map<TokenType, Terminal>([
  [T.Eol, 'EOL'], [T.Assign, 'ASSIGN'], [T.ForceAssign, 'FORCE_ASSIGN'], [T.AppendAssign, 'APPEND'],
  [T.Key, 'LKEY'], [T.Plus, 'PLUS'], [T.StringLiteral, 'STRING'], [T.Integer, 'INTEGER'],
  [T.LParen, 'LPARAN'], [T.RParen, 'RPARAN'], [T.Comma, 'COMMA'], [T.ArrayAssign, 'ARRAY_ASSIGN'],
  [T.Global, 'GLOBAL'], [T.LCurly, 'LCURLY'], [T.RCurly, 'RCURLY'], [T.Else, 'ELSE'],
  [T.Dollar, 'DOLLAR'], [T.SrvVarName, 'SRVVARNAME'], [T.LBracket, 'LBRACKET'], [T.RBracket, 'RBRACKET'],
  [T.CondEq, 'EQ'], [T.CondMatch, 'MATCH'], [T.CondNe, 'NE'], [T.CondNoMatch, 'NOMATCH'],
  [T.CondPrefix, 'PREFIX'], [T.CondSuffix, 'SUFFIX'], [T.Include, 'INCLUDE'], [T.IncludeShell, 'INCLUDE_SHELL'],
]);

/** Rules 0–45: left-hand side and right-hand-side length. */
export const RULES: readonly { readonly lhs: string; readonly size: number }[] = [
  { lhs: 'metaline', size: 2 }, // 0 metaline ::= condlines EOL
  { lhs: 'varline', size: 3 }, // 1 key ASSIGN expression
  { lhs: 'varline', size: 3 }, // 2 key FORCE_ASSIGN expression
  { lhs: 'varline', size: 3 }, // 3 key APPEND expression
  { lhs: 'key', size: 1 }, // 4 LKEY
  { lhs: 'expression', size: 3 }, // 5 expression PLUS value
  { lhs: 'expression', size: 1 }, // 6 value
  { lhs: 'value', size: 1 }, // 7 key
  { lhs: 'value', size: 1 }, // 8 STRING
  { lhs: 'value', size: 1 }, // 9 INTEGER
  { lhs: 'value', size: 1 }, // 10 array
  { lhs: 'array', size: 2 }, // 11 LPARAN RPARAN
  { lhs: 'array', size: 3 }, // 12 LPARAN aelements RPARAN
  { lhs: 'aelements', size: 3 }, // 13 aelements COMMA aelement
  { lhs: 'aelements', size: 2 }, // 14 aelements COMMA
  { lhs: 'aelements', size: 1 }, // 15 aelement
  { lhs: 'aelement', size: 1 }, // 16 expression
  { lhs: 'aelement', size: 3 }, // 17 stringop ARRAY_ASSIGN expression
  { lhs: 'globalstart', size: 1 }, // 18 GLOBAL
  { lhs: 'global', size: 4 }, // 19 globalstart LCURLY metalines RCURLY
  { lhs: 'condlines', size: 4 }, // 20 condlines eols ELSE condline
  { lhs: 'condlines', size: 4 }, // 21 condlines eols ELSE cond_else
  { lhs: 'condlines', size: 1 }, // 22 condline
  { lhs: 'condline', size: 4 }, // 23 context LCURLY metalines RCURLY
  { lhs: 'cond_else', size: 4 }, // 24 context_else LCURLY metalines RCURLY
  { lhs: 'context', size: 7 }, // 25 DOLLAR SRVVARNAME LBRACKET stringop RBRACKET cond expression
  { lhs: 'context_else', size: 0 }, // 26
  { lhs: 'cond', size: 1 }, // 27 EQ
  { lhs: 'cond', size: 1 }, // 28 MATCH
  { lhs: 'cond', size: 1 }, // 29 NE
  { lhs: 'cond', size: 1 }, // 30 NOMATCH
  { lhs: 'cond', size: 1 }, // 31 PREFIX
  { lhs: 'cond', size: 1 }, // 32 SUFFIX
  { lhs: 'stringop', size: 1 }, // 33 expression
  { lhs: 'include', size: 2 }, // 34 INCLUDE stringop
  { lhs: 'include_shell', size: 2 }, // 35 INCLUDE_SHELL stringop
  { lhs: 'input', size: 1 }, // 36 metalines
  { lhs: 'metalines', size: 2 }, // 37 metalines metaline
  { lhs: 'metalines', size: 0 }, // 38
  { lhs: 'metaline', size: 1 }, // 39 varline
  { lhs: 'metaline', size: 1 }, // 40 global
  { lhs: 'metaline', size: 1 }, // 41 include
  { lhs: 'metaline', size: 1 }, // 42 include_shell
  { lhs: 'metaline', size: 1 }, // 43 EOL
  { lhs: 'eols', size: 1 }, // 44 EOL
  { lhs: 'eols', size: 0 }, // 45
];

/** The rule whose reduction with lookahead `$` accepts the input. */
export const ACCEPT_RULE = 36;

/** One parser action. */
export type Action =
  | { readonly kind: 'shift'; readonly state: number }
  | { readonly kind: 'shiftReduce'; readonly rule: number }
  | { readonly kind: 'reduce'; readonly rule: number }
  | { readonly kind: 'error' };

/** One state: explicit actions by terminal, the default action, and gotos by nonterminal. */
export interface State {
  readonly actions: ReadonlyMap<Terminal, Action>;
  readonly fallback: Action;
  readonly gotos: ReadonlyMap<string, Action>;
}

function act(text: string): Action {
  if (text === 'ERROR') return { kind: 'error' };
  const m = /^(sr|s|r)(\d+)$/.exec(text);
  if (!m) throw new Error(`bad action ${text}`);
  const n = Number(m[2]);
  return m[1] === 's' ? { kind: 'shift', state: n } : m[1] === 'sr' ? { kind: 'shiftReduce', rule: n } : { kind: 'reduce', rule: n };
}

function pairs(text: string): Map<string, Action> {
  const map = new Map<string, Action>();
  for (const item of text.split(/\s+/).filter(Boolean)) {
    const i = item.lastIndexOf(':');
    map.set(item.slice(0, i), act(item.slice(i + 1)));
  }
  return map;
}

function state(actions: string, fallback: string, gotos = ''): State {
  return { actions: pairs(actions) as Map<Terminal, Action>, fallback: act(fallback), gotos: pairs(gotos) };
}

const STMT = 'EOL:sr43 LKEY:sr4 GLOBAL:sr18 DOLLAR:s30 INCLUDE:s8 INCLUDE_SHELL:s7';
const STMT_GOTO =
  'metaline:sr37 varline:sr39 global:sr40 include:sr41 include_shell:sr42 condlines:s18 condline:sr22 key:s22 globalstart:s31 context:s37';
const VALUE = 'LKEY:sr4 STRING:sr8 INTEGER:sr9 LPARAN:s5';
const VALUE_GOTO = 'value:sr6 array:sr10 key:sr7';

/** States 0–39 of Appendix A. */
export const STATES: readonly State[] = [
  /* 0 */ state('', 'r38', 'metalines:s4'),
  /* 1 */ state(`${STMT} RCURLY:sr24`, 'ERROR', STMT_GOTO),
  /* 2 */ state(`${STMT} RCURLY:sr19`, 'ERROR', STMT_GOTO),
  /* 3 */ state(`${STMT} RCURLY:sr23`, 'ERROR', STMT_GOTO),
  /* 4 */ state(`$:r36 ${STMT}`, 'ERROR', STMT_GOTO),
  /* 5 */ state(`${VALUE} RPARAN:sr11`, 'ERROR', `${VALUE_GOTO} expression:s24 aelement:sr15 aelements:s23 stringop:s35`),
  /* 6 */ state(VALUE, 'r14', `${VALUE_GOTO} expression:s24 aelement:sr13 stringop:s35`),
  /* 7 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s28 stringop:sr35`),
  /* 8 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s28 stringop:sr34`),
  /* 9 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s28 stringop:s27`),
  /* 10 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s26`),
  /* 11 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s32`),
  /* 12 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s33`),
  /* 13 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s34`),
  /* 14 */ state(VALUE, 'ERROR', `${VALUE_GOTO} expression:s36`),
  /* 15 */ state('DOLLAR:s30', 'r26', 'condline:sr20 cond_else:sr21 context:s37 context_else:s25'),
  /* 16 */ state(VALUE, 'ERROR', 'value:sr5 array:sr10 key:sr7'),
  /* 17 */ state('EQ:sr27 MATCH:sr28 NE:sr29 NOMATCH:sr30 PREFIX:sr31 SUFFIX:sr32', 'ERROR', 'cond:s10'),
  /* 18 */ state('EOL:s39', 'r45', 'eols:s38'),
  /* 19 */ state('', 'r38', 'metalines:s1'),
  /* 20 */ state('', 'r38', 'metalines:s2'),
  /* 21 */ state('', 'r38', 'metalines:s3'),
  /* 22 */ state('ASSIGN:s14 FORCE_ASSIGN:s12 APPEND:s11', 'ERROR'),
  /* 23 */ state('RPARAN:sr12 COMMA:s6', 'ERROR'),
  /* 24 */ state('PLUS:s16 ARRAY_ASSIGN:r33', 'r16'),
  /* 25 */ state('LCURLY:s19', 'ERROR'),
  /* 26 */ state('PLUS:s16', 'r25'),
  /* 27 */ state('RBRACKET:s17', 'ERROR'),
  /* 28 */ state('PLUS:s16', 'r33'),
  /* 29 */ state('LBRACKET:s9', 'ERROR'),
  /* 30 */ state('SRVVARNAME:s29', 'ERROR'),
  /* 31 */ state('LCURLY:s20', 'ERROR'),
  /* 32 */ state('PLUS:s16', 'r3'),
  /* 33 */ state('PLUS:s16', 'r2'),
  /* 34 */ state('PLUS:s16', 'r17'),
  /* 35 */ state('ARRAY_ASSIGN:s13', 'ERROR'),
  /* 36 */ state('PLUS:s16', 'r1'),
  /* 37 */ state('LCURLY:s21', 'ERROR'),
  /* 38 */ state('ELSE:s15', 'ERROR'),
  /* 39 */ state('ELSE:r44', 'r0'),
];

/** lemon's YYSTACKDEPTH in lighttpd's build: deeper nesting overflows the parser stack. */
export const STACK_DEPTH = 100;

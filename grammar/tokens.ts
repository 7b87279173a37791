/**
 * Token types of lighttpd's config language (config-language.md §2), as Chevrotain token types.
 *
 * The tokenizer itself is hand-written (grammar/lexer.ts): lighttpd's scanner is stateful (condition
 * mode, parenthesis depth, the `}` rule) in ways a regex lexer cannot express, so every pattern here is
 * `Lexer.NA` and only the types, names and labels (used in messages) matter.
 */
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

function token(name: string, label: string): TokenType {
  return createToken({ name, pattern: Lexer.NA, label });
}

/** One or more line ends (with the blanks and comments between them), or the EOL the `}` rule adds. */
export const Eol = token('Eol', 'end of line');
/** `=` outside parentheses and outside a condition. */
export const Assign = token('Assign', "'='");
/** `+=`. */
export const AppendAssign = token('AppendAssign', "'+='");
/** `:=`. */
export const ForceAssign = token('ForceAssign', "':='");
/** `+` not followed by `=`. */
export const Plus = token('Plus', "'+'");
/** `=>` inside parentheses. */
export const ArrayAssign = token('ArrayAssign', "'=>'");
export const LParen = token('LParen', "'('");
export const RParen = token('RParen', "')'");
/** `,` inside parentheses (outside parentheses a comma is skipped like a blank). */
export const Comma = token('Comma', "','");
export const LCurly = token('LCurly', "'{'");
export const RCurly = token('RCurly', "'}'");
export const LBracket = token('LBracket', "'['");
export const RBracket = token('RBracket', "']'");
/** `$`: starts a condition header (and condition mode in the tokenizer). */
export const Dollar = token('Dollar', "'$'");
export const CondEq = token('CondEq', "'=='");
export const CondNe = token('CondNe', "'!='");
export const CondMatch = token('CondMatch', "'=~'");
export const CondNoMatch = token('CondNoMatch', "'!~'");
export const CondPrefix = token('CondPrefix', "'=^'");
export const CondSuffix = token('CondSuffix', "'=$'");
/** `"…"`; the image is the raw text with its quotes, see decodeStringImage(). */
export const StringLiteral = token('StringLiteral', 'a string');
/** A run of ASCII digits (no sign, no suffix). */
export const Integer = token('Integer', 'a number');
/** Letters/underscores in condition mode: the `HTTP` of `$HTTP["url"]`. */
export const SrvVarName = token('SrvVarName', 'a condition name');
/** A key word: `server.port`, `foo`, `-x`, `if` (anything that is not one of the four keywords). */
export const Key = token('Key', 'a key');
export const Include = token('Include', "'include'");
export const IncludeShell = token('IncludeShell', "'include_shell'");
export const Global = token('Global', "'global'");
export const Else = token('Else', "'else'");

/** Every token type, in a fixed order (the parser's vocabulary). */
export const allTokens: TokenType[] = [
  Eol, Assign, AppendAssign, ForceAssign, Plus, ArrayAssign, LParen, RParen, Comma, LCurly, RCurly,
  LBracket, RBracket, Dollar, CondEq, CondNe, CondMatch, CondNoMatch, CondPrefix, CondSuffix,
  StringLiteral, Integer, SrvVarName, Key, Include, IncludeShell, Global, Else,
];

/** The six condition operators. */
export const condOperatorTokens: readonly TokenType[] = [CondEq, CondNe, CondMatch, CondNoMatch, CondPrefix, CondSuffix];

/**
 * The value of a string token: the text between the quotes with each `\"` turned into `"`.
 * (lighttpd has no other escape: backslashes and everything else are kept as written.)
 */
export function decodeStringImage(image: string): string {
  return image.slice(1, -1).replaceAll('\\"', '"');
}

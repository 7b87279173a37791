/**
 * The newer else-if spellings (a deliberate difference from 1.4.69, see docs/compat.md).
 *
 * lighttpd ≥ 1.4.74 ignores `if` right before a condition and reads `elif`, `elsif`, `elseif` as
 * `else`, so `} else if $HTTP["url"] == "/a" {` is an else-condition. lighttpd 1.4.69 has none of
 * this: there `} else if $X {` silently becomes a plain `else`, and `elseif $X` starts a key that
 * swallows tokens up to the next `=`. We read these spellings the newer way (what the author meant)
 * and warn at each place that 1.4.69 reads it differently. This is a token rewrite done before the
 * lemon-recovery emulation, so everything after it follows 1.4.69.
 */
import type { IToken } from 'chevrotain';
import { createTokenInstance } from './chevrotain.js';
import type { GrammarProblem } from './problem.js';
import { Dollar, Else, Key } from './tokens.js';

const ELSE_SPELLINGS = new Set(['elif', 'elsif', 'elseif']);

/** True when only spaces/tabs lie between the two tokens (lighttpd ≥ 1.4.74 looks for `if` blanks `$`). */
function onlyBlanksBetween(src: Uint8Array, a: IToken, b: IToken): boolean {
  for (let i = (a.endOffset ?? a.startOffset) + 1; i < b.startOffset; i++) {
    const c = src[i];
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** Rewrites the newer else-if spellings; returns the new token list and one warning per rewrite. */
export function rewriteElseIf(src: Uint8Array, tokens: readonly IToken[]): { tokens: IToken[]; warnings: GrammarProblem[] } {
  const out: IToken[] = [];
  const warnings: GrammarProblem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === undefined) continue;
    const next = tokens[i + 1];
    if (tok.tokenType !== Key || next?.tokenType !== Dollar) {
      out.push(tok);
      continue;
    }
    const at = { line: tok.startLine ?? 1, column: tok.startColumn ?? 1 };
    if (tok.image === 'if' && onlyBlanksBetween(src, tok, next)) {
      const prev = out[out.length - 1];
      if (prev?.tokenType === Else) {
        warnings.push({
          severity: 'warning', code: 'TSW_CONFIG_NEWER_ELSE_IF', ...at,
          message: "'else if' is read as an else-condition (as lighttpd >= 1.4.74 does); lighttpd 1.4.69 ignores the condition and makes this a plain 'else'",
        });
      } else {
        warnings.push({
          severity: 'warning', code: 'TSW_CONFIG_NEWER_ELSE_IF', ...at,
          message: "'if' before a condition is ignored (as lighttpd >= 1.4.74 does); lighttpd 1.4.69 reads 'if' as a key and drops the following tokens up to the next '='",
        });
      }
      continue; // dropped
    }
    if (ELSE_SPELLINGS.has(tok.image)) {
      warnings.push({
        severity: 'warning', code: 'TSW_CONFIG_NEWER_ELSE_IF', ...at,
        message: `'${tok.image}' is read as 'else' (as lighttpd >= 1.4.74 does); lighttpd 1.4.69 reads it as a key and drops the following tokens up to the next '='`,
      });
      out.push(createTokenInstance(Else, tok.image, tok.startOffset, tok.endOffset ?? tok.startOffset,
        tok.startLine ?? 1, tok.endLine ?? 1, tok.startColumn ?? 1, tok.endColumn ?? 1));
      continue;
    }
    out.push(tok);
  }
  return { tokens: out, warnings };
}

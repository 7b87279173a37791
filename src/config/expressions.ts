/**
 * Evaluating expressions: values, `+`, variable reads, `env.*`, arrays (config-language.md §4, §5).
 *
 * Returns null after reporting when lighttpd would fail (its semantic action clears `ok`).
 */
import type { IToken } from 'chevrotain';
import { decodeStringImage, type ArrayCstNode, type ExpressionCstNode, type ValueCstNode } from '../../grammar/index.js';
import { EvalContext } from './eval-context.js';
import type { ConfigArrayItem, ConfigValue } from './tree.js';
import { asciiLower } from './tree.js';
import { arrayValue, asStringOperand, integerValue, mergeValues, stringValue } from './values.js';

const INT64_MAX = 9223372036854775807n;

/** lighttpd's key naming: a word without a '.' is a variable and gets the `var.` prefix. */
export function keyName(word: string): string {
  return word.includes('.') ? word : `var.${word}`;
}

/** The first token of an expression (for locations). */
export function firstToken(expr: ExpressionCstNode): IToken | null {
  const v = expr.children.value[0];
  if (!v) return null;
  const c = v.children;
  return c.Key?.[0] ?? c.StringLiteral?.[0] ?? c.Integer?.[0] ?? c.array?.[0]?.children.LParen[0] ?? null;
}

function readVariable(ctx: EvalContext, tok: IToken): ConfigValue | null {
  const key = keyName(tok.image);
  const loc = ctx.locOf(tok);
  if (key.startsWith('env.')) {
    const name = key.slice(4);
    const v = ctx.environment.env[name];
    if (v === undefined) {
      ctx.report('error', 'TSW_CONFIG_UNDEFINED_ENV', `environment variable "${name}" is not set (read as ${key})`, tok);
      return null;
    }
    return stringValue(v, loc);
  }
  const entry = ctx.lookup(key);
  if (entry === null) {
    if (!ctx.failedKeys.has(asciiLower(key))) {
      const hint = tok.image.includes('.') ? '' : ` (a word without '.' names the variable ${key})`;
      ctx.report('error', 'TSW_CONFIG_UNDEFINED_VARIABLE', `undefined config variable "${key}"${hint}: it is not set in this block or any block around it before this line`, tok);
    }
    return null;
  }
  return entry.value;
}

function readInteger(ctx: EvalContext, tok: IToken): ConfigValue | null {
  const n = BigInt(tok.image);
  if (n > INT64_MAX) {
    ctx.report('error', 'TSW_CONFIG_NUMBER_TOO_LARGE', `number ${tok.image} is too large (lighttpd reads numbers as 64-bit and stores them in 32 bits)`, tok);
    return null;
  }
  return integerValue(Number(BigInt.asIntN(32, n)), ctx.locOf(tok));
}

/** Evaluates one `value` node. */
export function evalValue(ctx: EvalContext, node: ValueCstNode): ConfigValue | null {
  const c = node.children;
  if (c.Key?.[0]) return readVariable(ctx, c.Key[0]);
  if (c.StringLiteral?.[0]) return stringValue(decodeStringImage(c.StringLiteral[0].image), ctx.locOf(c.StringLiteral[0]));
  if (c.Integer?.[0]) return readInteger(ctx, c.Integer[0]);
  if (c.array?.[0]) return evalArray(ctx, c.array[0]);
  return null;
}

/** Evaluates `v1 + v2 + …` left to right. */
export function evalExpression(ctx: EvalContext, expr: ExpressionCstNode): ConfigValue | null {
  const values = expr.children.value;
  const first = values[0];
  if (!first) return null;
  let acc = evalValue(ctx, first);
  for (let i = 1; i < values.length; i++) {
    const node = values[i];
    if (!node) break;
    const right = evalValue(ctx, node);
    if (acc === null || right === null) return null;
    const plus = expr.children.Plus?.[i - 1] ?? null;
    acc = mergeReported(ctx, acc, right, plus, "'+'");
  }
  return acc;
}

/** Merges with lighttpd's rules and reports clashes (warnings) and failures (errors) at `at`. */
export function mergeReported(ctx: EvalContext, left: ConfigValue, right: ConfigValue, at: IToken | null, what: string): ConfigValue | null {
  const r = mergeValues(left, right);
  const dups = r.duplicates;
  for (const [i, k] of dups.entries()) {
    const fatal = !r.ok && i === dups.length - 1;
    if (!fatal) {
      ctx.report('warning', 'TSW_CONFIG_DUPLICATE_ARRAY_KEY', `array key "${k}" is already in the array; the equal value added by ${what} is skipped`, at);
    }
  }
  if (r.ok) return r.value;
  if (r.reason === 'type-mismatch') {
    ctx.report('error', 'TSW_CONFIG_TYPE_MISMATCH', `cannot combine ${describe(left)} with ${describe(right)} using ${what} (lighttpd: data type mismatch, cannot merge)`, at);
  } else {
    ctx.report('error', 'TSW_CONFIG_DUPLICATE_ARRAY_KEY', `array key "${dups[dups.length - 1] ?? ''}" is already in the array with a different value; ${what} cannot merge them`, at);
  }
  return null;
}

function describe(v: ConfigValue): string {
  return v.type === 'array' ? 'an array' : v.type === 'integer' ? 'a number' : 'a string';
}

/** Evaluates `( … )`; keys must be unique (ASCII case-insensitively) within one literal. */
export function evalArray(ctx: EvalContext, node: ArrayCstNode): ConfigValue | null {
  const items: ConfigArrayItem[] = [];
  const keys = new Set<string>();
  let ok = true;
  for (const el of node.children.arrayElement ?? []) {
    const firstExpr = el.children.first[0];
    if (!firstExpr) continue;
    const secondExpr = el.children.second?.[0];
    if (secondExpr === undefined) {
      const v = evalExpression(ctx, firstExpr);
      if (v === null) ok = false;
      else items.push({ key: null, value: v });
      continue;
    }
    const k = evalExpression(ctx, firstExpr);
    const keyText = k === null ? null : asStringOperand(k);
    if (k !== null && keyText === null) {
      ctx.report('error', 'TSW_CONFIG_BAD_OPERAND', 'an array cannot be used as an array key (it must be a string or a number)', firstToken(firstExpr));
    }
    const v = evalExpression(ctx, secondExpr);
    if (keyText === null || v === null) {
      ok = false;
      continue;
    }
    const lowered = EvalContext.lower(keyText);
    if (keys.has(lowered)) {
      ctx.report('error', 'TSW_CONFIG_DUPLICATE_ARRAY_KEY', `duplicate array key "${keyText}" (keys compare case-insensitively); remove one of the entries`, firstToken(firstExpr));
      ok = false;
      continue;
    }
    keys.add(lowered);
    items.push({ key: keyText, value: v });
  }
  const lp = node.children.LParen[0];
  return ok ? arrayValue(items, lp ? ctx.locOf(lp) : undefined) : null;
}

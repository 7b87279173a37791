/**
 * CST → ConfigTree: lighttpd's semantic actions, applied statement by statement in file order
 * (config-language.md §5–§8). Assignments (`=`, `:=`, `+=`), blocks with identity and re-opening,
 * else chains, `global { }`, include and include_shell (through the IncludeReader).
 *
 * lighttpd stops at its first semantic error; we report it and go on with the next statement so one
 * run shows several problems (a key whose assignment failed is not reported again as undefined).
 */
import type { IToken } from 'chevrotain';
import type {
  AssignmentCstNode, BlockCstNode, ConditionBlockCstNode, ConditionChainCstNode, ConditionCstNode, ConfigCstNode,
  ElsePartCstNode, StatementCstNode,
} from '../../grammar/index.js';
import type { SourceLoc } from '../diagnostics.js';
import { checkConditionValue, conditionField, KNOWN_CONDITIONS, negateOp, simplifyRegex } from './conditions.js';
import type { EvalContext, MutableBlock } from './eval-context.js';
import { evalExpression, firstToken, keyName, mergeReported } from './expressions.js';
import { compileConditionRegex } from './regex.js';
import { asciiLower, type CondOp, type Condition } from './tree.js';
import { asStringOperand } from './values.js';

/** Reads included files and include_shell output into the current context (see include.ts). */
export interface IncludeReader {
  include(ctx: EvalContext, path: string, at: SourceLoc): void;
  includeShell(ctx: EvalContext, command: string, at: SourceLoc): void;
}

const OP_OF_TOKEN: Readonly<Record<string, CondOp>> = {
  CondEq: '==', CondNe: '!=', CondMatch: '=~', CondNoMatch: '!~', CondPrefix: '=^', CondSuffix: '=$',
};

/** Applies a file's statements to the context (the current block stays what it was before). */
export class Evaluator {
  constructor(
    readonly ctx: EvalContext,
    readonly includes: IncludeReader,
  ) {}

  /** Evaluates one parsed file. */
  evaluateFile(cst: ConfigCstNode): void {
    for (const st of cst.children.statement ?? []) this.#statement(st);
  }

  #statement(st: StatementCstNode): void {
    const c = st.children;
    if (c.assignment?.[0]) this.#assignment(c.assignment[0]);
    else if (c.include?.[0]) this.#include(c.include[0].children.Include[0], c.include[0].children.expression[0], false);
    else if (c.includeShell?.[0]) this.#include(c.includeShell[0].children.IncludeShell[0], c.includeShell[0].children.expression[0], true);
    else if (c.globalBlock?.[0]) this.#globalBlock(c.globalBlock[0].children.Global[0], c.globalBlock[0].children.block[0]);
    else if (c.conditionChain?.[0]) this.#conditionChain(c.conditionChain[0]);
  }

  #statements(block: BlockCstNode | undefined): void {
    for (const st of block?.children.statement ?? []) this.#statement(st);
  }

  #assignment(node: AssignmentCstNode): void {
    const ctx = this.ctx;
    const c = node.children;
    const keyTok = c.Key[0];
    const exprNode = c.expression[0];
    if (!keyTok || !exprNode) return;
    const key = keyName(keyTok.image);
    const opTok = c.Assign?.[0] ?? c.ForceAssign?.[0] ?? c.AppendAssign?.[0] ?? null;
    const value = evalExpression(ctx, exprNode);
    const failed = (): void => void ctx.failedKeys.add(asciiLower(key));
    if (value === null) return failed();
    const block = ctx.current;
    const where = this.#blockName(block);
    if (key.startsWith('env.')) {
      const verb = c.AppendAssign ? 'appending to' : 'setting';
      ctx.report('error', 'TSW_CONFIG_ENV_ASSIGN', `${verb} an environment variable ("${key}") is not supported; env.* can only be read`, keyTok);
      return failed();
    }
    const loc = ctx.locOf(keyTok);
    const i = ctx.indexIn(block, key);
    if (c.Assign) {
      if (i >= 0) {
        const prev = block.entries[i]?.loc;
        const at = prev ? ` (first set at ${prev.file}:${prev.line}:${prev.column})` : ' (it is predefined)';
        ctx.report('error', 'TSW_CONFIG_DUPLICATE_KEY', `"${key}" is already set in ${where}${at}; use := to replace it or += to append`, keyTok);
        return;
      }
      ctx.store(block, -1, { key, value, loc });
    } else if (c.ForceAssign) {
      // lighttpd: := replaces in place, with the new spelling
      ctx.store(block, i, { key, value, loc });
    } else {
      // lighttpd: += takes the entry out of this block (the last entry moves into its place), or copies
      // the value visible from a parent block, merges, and appends the result
      const base = i >= 0 ? (ctx.extract(block, i)?.value ?? null) : (ctx.lookup(key)?.value ?? null);
      if (base === null) {
        ctx.store(block, -1, { key, value, loc });
        return;
      }
      const merged = mergeReported(ctx, base, value, opTok, `'+=' on "${key}"`);
      if (merged === null) return failed();
      ctx.store(block, -1, { key, value: merged, loc });
    }
  }

  #blockName(block: MutableBlock): string {
    if (block.id === 0) return 'the global block';
    return `block ${block.id} (${block.isPlainElse ? 'else' : (block.condition?.text ?? '')})`;
  }

  #include(kw: IToken | undefined, exprNode: ConditionCstNode['children']['operand'][number] | undefined, shell: boolean): void {
    const ctx = this.ctx;
    if (!kw || !exprNode) return;
    const v = evalExpression(ctx, exprNode);
    if (v === null) return;
    const arg = asStringOperand(v);
    if (arg === null) {
      ctx.report('error', 'TSW_CONFIG_BAD_OPERAND', `${kw.image} needs a string, not an array`, firstToken(exprNode) ?? kw);
      return;
    }
    const at = ctx.locOf(kw);
    if (shell) this.includes.includeShell(ctx, arg, at);
    else this.includes.include(ctx, arg, at);
  }

  #globalBlock(kw: IToken | undefined, body: BlockCstNode | undefined): void {
    const ctx = this.ctx;
    if (!kw) return;
    if (!ctx.push(ctx.global, kw)) return;
    this.#statements(body);
    ctx.pop();
  }

  #conditionChain(node: ConditionChainCstNode): void {
    const head = node.children.conditionBlock[0];
    if (!head) return;
    let prev = this.#conditionBlock(head);
    for (const part of node.children.elsePart ?? []) {
      if (prev === null) return; // lighttpd would have stopped at the failed member
      prev = this.#elsePart(prev, part);
    }
  }

  /** A condition block: find or create its block, enter it, evaluate the body, leave. */
  #conditionBlock(node: ConditionBlockCstNode): MutableBlock | null {
    const condNode = node.children.condition[0];
    if (!condNode) return null;
    const block = this.#enterCondition(condNode);
    if (block === null) return null;
    this.#statements(node.children.block[0]);
    this.ctx.pop();
    return block;
  }

  /** lighttpd's `context` rule: evaluates the header, re-opens or creates the block, and enters it. */
  #enterCondition(node: ConditionCstNode): MutableBlock | null {
    const ctx = this.ctx;
    const c = node.children;
    const dollar = c.Dollar[0];
    const nameTok = c.SrvVarName[0];
    const tagExpr = c.tag[0];
    const operandExpr = c.operand[0];
    if (!dollar || !nameTok || !tagExpr || !operandExpr) return null;
    const tagValue = evalExpression(ctx, tagExpr);
    const tag = tagValue === null ? null : asStringOperand(tagValue);
    if (tagValue !== null && tag === null) {
      ctx.report('error', 'TSW_CONFIG_BAD_OPERAND', 'the name inside [ ] of a condition must be a string, not an array', firstToken(tagExpr) ?? dollar);
    }
    const operand = evalExpression(ctx, operandExpr);
    if (operand !== null && operand.type !== 'string') {
      ctx.report('error', 'TSW_CONFIG_BAD_OPERAND', `the value a condition compares with must be a string, not ${operand.type === 'array' ? 'an array' : 'a number'}`, firstToken(operandExpr) ?? dollar);
      return null;
    }
    if (tag === null || operand === null) return null;
    const obj = nameTok.image;
    const field = conditionField(obj, tag);
    const opTok = c.CondEq?.[0] ?? c.CondNe?.[0] ?? c.CondMatch?.[0] ?? c.CondNoMatch?.[0] ?? c.CondPrefix?.[0] ?? c.CondSuffix?.[0];
    let op: CondOp = OP_OF_TOKEN[opTok?.tokenType.name ?? 'CondEq'] ?? '==';
    let value = operand.value;
    if (op === '=~' && field !== 'socket') ({ op, value } = simplifyRegex(value));
    const text = `$${obj}["${tag}"] ${op} "${value}"`;
    const key = `${ctx.keyOf(ctx.current)} / ${text}`;
    const existing = ctx.byKey.get(asciiLower(key));
    if (existing !== undefined) return ctx.push(existing, dollar) ? existing : null; // lighttpd: re-open
    if (field === null) {
      ctx.report('error', 'TSW_CONFIG_UNKNOWN_CONDITION', `unknown condition ${text.slice(0, text.indexOf(']') + 1)}: lighttpd 1.4.69 knows ${KNOWN_CONDITIONS.join(', ')} (names are case-sensitive)`, dollar);
      return null;
    }
    const runtimeValue = checkConditionValue(field, op, value);
    if (runtimeValue === null) {
      ctx.report('error', 'TSW_CONFIG_INVALID_ADDRESS', `invalid IP address or host "${value}" in ${text}`, firstToken(operandExpr) ?? dollar);
      return null;
    }
    const loc = ctx.locOf(dollar);
    let regex: RegExp | null = null;
    // a query-string pattern is compiled after the whole config is read, from its final (maybe normalised) text
    if ((op === '=~' || op === '!~') && field !== 'querystring') {
      // lighttpd compiles the stored value: normalised for sockets
      const compiled = compileConditionRegex(runtimeValue);
      if (!compiled.ok) {
        ctx.report('error', 'TSW_CONFIG_BAD_REGEX', `${compiled.message} in ${text}`, firstToken(operandExpr) ?? dollar);
        return null;
      }
      regex = compiled.regex;
    }
    const condition: Condition = { object: obj, tag, field, op, value: runtimeValue, text, regex, loc };
    return this.#newBlock(condition, false, key, dollar);
  }

  #newBlock(condition: Condition | null, isPlainElse: boolean, key: string, at: IToken): MutableBlock | null {
    const ctx = this.ctx;
    const parent = ctx.current;
    const block: MutableBlock = {
      id: ctx.blocks.length, parent, children: [], condition, isPlainElse, elsePrev: null, elseNext: null, entries: [], loc: ctx.locOf(at),
    };
    if (!ctx.push(block, at)) return null;
    ctx.registerBlock(block, key);
    parent.children.push(block);
    return block;
  }

  /** `else $… { }` or `else { }` after `prev` (lighttpd's rules 20 and 21). */
  #elsePart(prev: MutableBlock, part: ElsePartCstNode): MutableBlock | null {
    const ctx = this.ctx;
    const elseTok = part.children.Else[0];
    if (!elseTok) return null;
    const condBlock = part.children.conditionBlock?.[0];
    if (condBlock) {
      const next = this.#conditionBlock(condBlock);
      if (next === null) return null;
      if (!this.#checkReachable(prev, next, elseTok)) return null;
      next.elsePrev = prev;
      prev.elseNext = next;
      return next;
    }
    // plain else: a block keyed "<parent> / else_tmp_token" while its body is read, then re-keyed as the
    // previous member's condition negated (lighttpd keeps that temporary name in nested blocks' keys)
    const tmpKey = `${ctx.keyOf(ctx.current)} / else_tmp_token`;
    const block = this.#newBlock(null, true, tmpKey, elseTok);
    if (block === null) return null;
    this.#statements(part.children.block?.[0]);
    ctx.pop();
    if (!this.#checkReachable(prev, block, elseTok)) return null;
    const pc = prev.condition;
    if (pc === null) return null;
    ctx.byKey.delete(asciiLower(tmpKey));
    const op = negateOp(pc.op);
    const prefix = `$${pc.object}["${pc.tag}"] `;
    const text = prefix + op + pc.text.slice(prefix.length + pc.op.length);
    const prevKey = ctx.keyOf(prev);
    const key = prevKey.slice(0, prevKey.length - pc.text.length) + text;
    if (ctx.byKey.has(asciiLower(key))) {
      ctx.report('error', 'TSW_CONFIG_UNREACHABLE_ELSE', `this else can never apply: a block with the opposite condition (${text}) already exists`, elseTok);
      return null;
    }
    block.condition = { ...pc, op, text, loc: ctx.locOf(elseTok) };
    ctx.blockKeys[block.id] = key;
    ctx.byKey.set(asciiLower(key), block);
    block.elsePrev = prev;
    prev.elseNext = block;
    return block;
  }

  #checkReachable(prev: MutableBlock, next: MutableBlock, at: IToken): boolean {
    const ctx = this.ctx;
    let ok = true;
    if (prev.id >= next.id) {
      ctx.report('error', 'TSW_CONFIG_UNREACHABLE_ELSE', `this else condition repeats an earlier condition (block ${next.id}) and can never apply`, at);
      ok = false;
    }
    if (prev.isPlainElse) {
      ctx.report('error', 'TSW_CONFIG_UNREACHABLE_ELSE', "nothing can follow a plain 'else' in the same chain: it already catches everything", at);
      ok = false;
    }
    return ok;
  }
}

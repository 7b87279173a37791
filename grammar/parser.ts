/**
 * The config grammar (config-language.md §3.1, §14) as a Chevrotain CstParser: rules only.
 *
 * It parses the token stream that grammar/recovery.ts kept, which is always a valid sentence when
 * lighttpd would accept the file, so Chevrotain's own error recovery stays off; a parse error here means
 * tokens were fed that did not pass through the recovery (or an internal bug) and is reported as such.
 * The rules mirror lighttpd's nonterminals, written LL-style (lists instead of left recursion).
 */
import type { CstNode, IToken } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import { configErrorMessages } from './messages.js';
import * as T from './tokens.js';

/** The grammar; use the `configParser` singleton (building the parser is costly). */
export class ConfigParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: false, errorMessageProvider: configErrorMessages, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  /** A whole file: statements until the end. */
  readonly config = this.RULE('config', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  /** lighttpd's `metaline`. */
  readonly statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Eol) },
      { ALT: () => this.SUBRULE(this.assignment) },
      { ALT: () => this.SUBRULE(this.include) },
      { ALT: () => this.SUBRULE(this.includeShell) },
      { ALT: () => this.SUBRULE(this.globalBlock) },
      { ALT: () => this.SUBRULE(this.conditionChain) },
    ]);
  });

  /** `key = expr`, `key := expr`, `key += expr` (lighttpd's `varline`). */
  readonly assignment = this.RULE('assignment', () => {
    this.CONSUME(T.Key);
    this.OR([
      { ALT: () => this.CONSUME(T.Assign) },
      { ALT: () => this.CONSUME(T.ForceAssign) },
      { ALT: () => this.CONSUME(T.AppendAssign) },
    ]);
    this.SUBRULE(this.expression);
  });

  /** `include expr`. */
  readonly include = this.RULE('include', () => {
    this.CONSUME(T.Include);
    this.SUBRULE(this.expression);
  });

  /** `include_shell expr`. */
  readonly includeShell = this.RULE('includeShell', () => {
    this.CONSUME(T.IncludeShell);
    this.SUBRULE(this.expression);
  });

  /** `global { … }`: statements that go to the global block from anywhere. */
  readonly globalBlock = this.RULE('globalBlock', () => {
    this.CONSUME(T.Global);
    this.SUBRULE(this.block);
  });

  /** A condition block and its `else` chain, then the line end that must follow (lighttpd's `condlines EOL`). */
  readonly conditionChain = this.RULE('conditionChain', () => {
    this.SUBRULE(this.conditionBlock);
    this.MANY(() => this.SUBRULE(this.elsePart));
    this.CONSUME(T.Eol);
  });

  /** `[EOL] else $…{ }` or `[EOL] else { }`. */
  readonly elsePart = this.RULE('elsePart', () => {
    this.OPTION(() => this.CONSUME(T.Eol));
    this.CONSUME(T.Else);
    this.OR([
      { ALT: () => this.SUBRULE(this.conditionBlock) },
      { ALT: () => this.SUBRULE(this.block) },
    ]);
  });

  /** `$HTTP["url"] =~ "…" { … }` (lighttpd's `condline`). */
  readonly conditionBlock = this.RULE('conditionBlock', () => {
    this.SUBRULE(this.condition);
    this.SUBRULE(this.block);
  });

  /** The header `$NAME[expr] op expr` (lighttpd's `context`). */
  readonly condition = this.RULE('condition', () => {
    this.CONSUME(T.Dollar);
    this.CONSUME(T.SrvVarName);
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression, { LABEL: 'tag' });
    this.CONSUME(T.RBracket);
    this.OR([
      { ALT: () => this.CONSUME(T.CondEq) },
      { ALT: () => this.CONSUME(T.CondNe) },
      { ALT: () => this.CONSUME(T.CondMatch) },
      { ALT: () => this.CONSUME(T.CondNoMatch) },
      { ALT: () => this.CONSUME(T.CondPrefix) },
      { ALT: () => this.CONSUME(T.CondSuffix) },
    ]);
    this.SUBRULE2(this.expression, { LABEL: 'operand' });
  });

  /** `{ statements }`. */
  readonly block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RCurly);
  });

  /** `value + value + …` (left-associative; the only operator). */
  readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.value);
    this.MANY(() => {
      this.CONSUME(T.Plus);
      this.SUBRULE2(this.value);
    });
  });

  /** A key (variable read), string, integer or array. */
  readonly value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Key) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.SUBRULE(this.array) },
    ]);
  });

  /** `( e1, k => e2, , )`: empty elements between commas and a trailing comma are allowed. */
  readonly array = this.RULE('array', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.arrayElement);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.arrayElement));
      });
    });
    this.CONSUME(T.RParen);
  });

  /** `expr` or `expr => expr`. */
  readonly arrayElement = this.RULE('arrayElement', () => {
    this.SUBRULE(this.expression, { LABEL: 'first' });
    this.OPTION(() => {
      this.CONSUME(T.ArrayAssign);
      this.SUBRULE2(this.expression, { LABEL: 'second' });
    });
  });
}

/** The one parser instance; set `.input` for each parse. */
export const configParser = new ConfigParser();

/** Parses tokens that passed through the recovery; returns the CST root (check `configParser.errors`). */
export function parseTokens(tokens: IToken[]): CstNode {
  configParser.input = tokens;
  return configParser.config();
}

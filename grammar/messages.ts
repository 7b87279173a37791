/**
 * Parser error messages in config words instead of Chevrotain's "Expecting token of type --> X <--".
 *
 * Token labels (grammar/tokens.ts) are already phrased for users: `'='`, `a string`, `end of line`.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';

function describeFound(tok: IToken): string {
  if (tok.tokenType.name === 'EOF') return 'the end of the file';
  if (tok.tokenType.name === 'Eol') return 'the end of the line';
  return `'${tok.image}'`;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function alternatives(paths: TokenType[][]): string {
  const names = [...new Set(paths.map((p) => p.map(label).join(' ')))];
  if (names.length <= 1) return names[0] ?? 'something else';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

/** The errorMessageProvider given to the ConfigParser. */
export const configErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)}, found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const first = actual[0];
    return `expected ${alternatives(expectedPathsPerAlt.flat())}, found ${first ? describeFound(first) : 'the end of the file'}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const first = actual[0];
    return `expected ${alternatives(expectedIterationPaths)}, found ${first ? describeFound(first) : 'the end of the file'}`;
  },
};

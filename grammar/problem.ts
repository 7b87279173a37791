/**
 * A located problem found by the grammar layer (tokenizer, lemon-recovery emulation, parser).
 *
 * The grammar layer knows nothing about files or include chains; src/config adds those.
 */

/** One problem at a 1-based line and byte column of the text being parsed. */
export interface GrammarProblem {
  readonly severity: 'error' | 'warning';
  /** Stable `TSW_CONFIG_*` code. */
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

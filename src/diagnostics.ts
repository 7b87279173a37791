/**
 * Diagnostics: located, compiler-style messages about a config (and, at runtime, about events).
 *
 * Positions are 1-based. A diagnostic carries a stable `code` (tests assert the code, not the wording)
 * and, when the problem is inside an included file, the chain of `include` statements that led there.
 */

/** A place in a config file (or in the output of an `include_shell` command). */
export interface SourceLoc {
  /** File name as lighttpd would name it (the resolved include path, or the include_shell command). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column (bytes from the line start, plus one). */
  readonly column: number;
}

/** How serious a diagnostic is; any `error` stops the server from starting (`-t`/`-p` exit 255). */
export type Severity = 'error' | 'warning' | 'note';

/** One problem found in a config, with where it is and how the reader got there. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identifier with a `TSW_` prefix, e.g. `TSW_CONFIG_DUPLICATE_KEY`. */
  readonly code: string;
  /** Lower-case start, no final period; quotes what the user wrote. */
  readonly message: string;
  readonly loc?: SourceLoc;
  /** Outermost last: each entry is the `include` statement that read the file named in the previous one. */
  readonly includeChain?: readonly SourceLoc[];
}

/** Formats a diagnostic as `file:line:col: severity: message` plus `  included from …` lines. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}: ` : '';
  const lines = [`${where}${d.severity}: ${d.message}`];
  for (const inc of d.includeChain ?? []) {
    lines.push(`  included from ${inc.file}:${inc.line}:${inc.column}`);
  }
  return lines.join('\n');
}

/** Thrown when a config cannot be used; holds every diagnostic gathered so far (at least one error). */
export class ConfigError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super(first ? formatDiagnostic(first) : 'invalid config');
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}

/** Collects diagnostics; passed down through config evaluation and module compilation. */
export interface DiagnosticSink {
  report(d: Diagnostic): void;
}

/** A sink that keeps everything in an array, in report order. */
export class DiagnosticList implements DiagnosticSink {
  readonly items: Diagnostic[] = [];

  report(d: Diagnostic): void {
    this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

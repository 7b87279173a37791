/**
 * Shared by the golden-fixture and corpus tests: the environment the recorded lighttpd runs had, and the
 * normalisation of var.CWD / var.PID / log timestamps.
 */

/** The environment of `scripts/update-golden.mjs` (keep in sync). */
export const GOLDEN_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  SHELL: '/bin/sh',
  LANG: 'C',
  FIXTURE_NAME: 'fixture',
};

/** The corpus' minimal environment (INDEX.md), before the entry's env.txt. */
export const CORPUS_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  SHELL: '/bin/sh',
  LANG: 'C',
};

/** Replaces every occurrence of `cwd` by `cwdMark` and the whole number `pid` by `@PID@`. */
export function normalizeDump(text: string, cwd: string, pid: number, cwdMark = '@CWD@'): string {
  return text.split(cwd).join(cwdMark).replace(new RegExp(`\\b${pid}\\b`, 'g'), '@PID@');
}

/** The process id printed in a dump's `var.PID` line, if any. */
export function dumpPid(text: string): number | null {
  const m = /^ {4}var\.PID *= (-?\d+)$/m.exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Parses `KEY=VALUE` lines (an env.txt). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env;
}

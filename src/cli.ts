/**
 * The tswstunnel command line, with lighttpd's flags (cli-print.md).
 */

/** Runs the CLI with argv (without node and script) and resolves to the exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  if (argv.includes('-v')) {
    process.stdout.write('tswstunnel/0.1.0 (lighttpd/1.4.69 compatible)\n');
    return 0;
  }
  process.stderr.write('tswstunnel: not implemented yet\n');
  return 255;
}

/**
 * The tswstunnel command line, with lighttpd 1.4.69's flags and behaviour (cli-print.md §1–§8):
 * `-f FILE|-`, `-p`, `-t`, `-tt`, `-D`, `-i SECS`, `-m DIR`, `-v`, `-V`, `-h` (`-1` is refused).
 *
 * Options act in the order given, as lighttpd's getopt loop does: `-f` reads the config at once (a bad
 * config ends the run before a later `-v` is seen), `-v`/`-V`/`-h` print and exit at once. The scan itself
 * is getopt's (src/cli/getopt.ts); yargs then turns the scanned options into the typed flag record.
 * Exit status: 0, or 255 for every error. stdout only carries the dump, `Syntax OK` and the -v/-V/-h text.
 */
import yargs from 'yargs';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import type { ConfigTree } from './config/tree.js';
import { parseIdleTimeout, scanOptions, type ScanItem } from './cli/getopt.js';
import { startServerLazily } from './cli/start-server.js';
import { featuresText, helpText, PROGRAM, versionText } from './cli/texts.js';

/** Where the CLI reads and writes; the process by default, replaceable in tests. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => Promise<Buffer>;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The flags after the scan (counts for the repeatable ones). */
interface CliFlags {
  readonly p: boolean;
  readonly t: number;
  readonly D: boolean;
  readonly m: string | null;
}

const EXIT_FAILURE = 255;
/** lighttpd refuses a config on stdin larger than this. */
const MAX_STDIN_BYTES = 32 * 1024 * 1024;

/** Runs the CLI with argv (without node and script) and resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const items = scanOptions(argv, PROGRAM);
  let tree: ConfigTree | null = null;
  let configFile: string | null = null;
  let idleTimeout = 0;
  for (const item of items) {
    if (item.kind === 'error') {
      io.stderr(`${item.message}\n`);
      io.stdout(helpText());
      return EXIT_FAILURE;
    }
    switch (item.letter) {
      case 'f': {
        if (configFile !== null) {
          io.stderr(`${PROGRAM}: can only read one config file; use the include command to use multiple config files\n`);
          return EXIT_FAILURE;
        }
        configFile = item.arg ?? '';
        tree = await readConfig(configFile, io);
        if (tree === null) return EXIT_FAILURE;
        break;
      }
      case 'v':
        io.stdout(versionText());
        return 0;
      case 'V':
        io.stdout(featuresText());
        return 0;
      case 'h':
        io.stdout(helpText());
        return 0;
      case 'i': {
        const secs = parseIdleTimeout(item.arg ?? '');
        if (secs === null) {
          io.stderr(`${PROGRAM}: invalid idle timeout value: ${item.arg ?? ''}\n`);
          return EXIT_FAILURE;
        }
        idleTimeout = secs;
        break;
      }
      case '1':
        io.stderr(`${PROGRAM}: -1 (serve one connection on stdin) is not supported by tswstunnel\n`);
        return EXIT_FAILURE;
      default:
        break; // -p -t -D -m: only counted
    }
  }
  if (tree === null || configFile === null) {
    io.stderr(`${PROGRAM}: no configuration available; try using -f option\n`);
    return EXIT_FAILURE;
  }
  const flags = toFlags(items);
  const { printConfig } = await import('./config/print.js');
  if (flags.p) io.stdout(printConfig(tree));
  if (flags.t === 1) io.stdout('Syntax OK\n');
  if (flags.p || flags.t === 1) return 0;
  const { checkConfigKeys } = await import('./config/check-keys.js');
  if (report(checkConfigKeys(tree), io)) return EXIT_FAILURE;
  if (flags.t >= 2) {
    const { compileModulesDiagnostics } = await import('./cli/preflight.js');
    return report(compileModulesDiagnostics(tree), io) ? EXIT_FAILURE : 0;
  }
  const outcome = await startServerLazily(tree, { configFile, foreground: flags.D, idleTimeout, moduleDir: flags.m });
  if ('unavailable' in outcome) {
    io.stderr(`${PROGRAM}: ${outcome.unavailable}\n`);
    return EXIT_FAILURE;
  }
  return outcome.status;
}

/** Reads, evaluates and validates the config; prints every diagnostic; null when there was an error. */
async function readConfig(file: string, io: CliIo): Promise<ConfigTree | null> {
  let stdinText: string | undefined;
  if (file === '-') {
    const bytes = await io.readStdin();
    if (bytes.length > MAX_STDIN_BYTES) {
      io.stderr(`${PROGRAM}: config read from stdin is way too large (more than 32 MiB)\n`);
      return null;
    }
    stdinText = bytes.toString('utf8');
  }
  // loaded on demand: -v, -V and -h should not pay for the config reader
  const { loadConfig } = await import('./config/load.js');
  const result = loadConfig({ file, cwd: io.cwd, env: io.env, ...(stdinText === undefined ? {} : { stdinText }) });
  const failed = report(result.diagnostics, io);
  return failed ? null : result.tree;
}

/** Writes diagnostics to stderr; true when one of them is an error. */
function report(diagnostics: readonly Diagnostic[], io: CliIo): boolean {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  return diagnostics.some((d) => d.severity === 'error');
}

/** The scanned options, re-parsed by yargs into the flag record (getopt already did the hard part). */
function toFlags(items: readonly ScanItem[]): CliFlags {
  const words = items.flatMap((it) =>
    it.kind !== 'option' || it.letter === 'f' || it.letter === 'i' ? [] : [it.arg === undefined ? `-${it.letter}` : `-${it.letter}=${it.arg}`],
  );
  const parsed = yargs(words)
    .parserConfiguration({ 'short-option-groups': false, 'camel-case-expansion': false, 'duplicate-arguments-array': false })
    .option('p', { type: 'boolean', default: false })
    .option('t', { type: 'count' })
    .option('D', { type: 'boolean', default: false })
    .option('m', { type: 'string' })
    .help(false)
    .version(false)
    .exitProcess(false)
    .parseSync();
  return { p: parsed.p, t: parsed.t, D: parsed.D, m: parsed.m ?? null };
}

function processIo(): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * One corpus entry made servable: the entry folder copied to a temporary directory (never into the
 * repository) with every config file rewritten (corpus-rewrite.ts), ports filled in, and the temporary
 * root populated from the rewritten config's `lighttpd -p` print: document roots and alias targets get a
 * few files, log / pid / socket paths get their directories, certificate paths get a throw-away pair.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_ENV, parseEnvFile } from './golden.js';
import { LIGHTTPD_BIN } from './lighttpd.js';
import { fillPorts, listenerPreamble, PortMap, rewriteConfigText, rewriteEnv } from './corpus-rewrite.js';
import { testCert } from './tls-cert.js';

/** A corpus entry's primary config (the first main file of results.json). */
export interface CorpusConfig {
  readonly id: string;
  readonly entryDir: string;
  readonly main: string;
}

/** A CGI script perl can run (mod_cgi's cgi.assign in the corpus maps .pl / .cgi to perl). */
const CGI_SCRIPT = 'print "Content-Type: text/plain\\r\\n\\r\\ncgi\\n";\n';

/** The files every document root / alias directory gets; the times are fixed. */
export const SERVED_FILES: Readonly<Record<string, string>> = {
  'index.html': '<html><body>corpus index</body></html>\n',
  'app.js': 'console.log("corpus");\n',
  'style.css': 'body { color: #333; }\n',
  'notes.txt': '0123456789abcdefghijklmnopqrstuvwxyz\n',
  'data.qqzz': 'unknown extension\n',
  'sub/index.html': '<html><body>sub index</body></html>\n',
  'sub/page.txt': 'sub page\n',
  // scripts for the extensions a backend / CGI module claims (lighttpd runs them, tswstunnel answers 503)
  ...Object.fromEntries(['.pl', '.cgi', '.py', '.php', '.fcgi', '.scgi', '.shtml'].map((e) => [`script${e}`, CGI_SCRIPT])),
};

const MTIME = new Date(Date.UTC(2026, 10, 22, 13, 39, 26));

/** A prepared copy for one server. */
export interface PreparedCopy {
  /** The copied entry folder (the server's working directory). */
  readonly dir: string;
  /** Absolute path of the rewritten main file. */
  readonly main: string;
  readonly env: Readonly<Record<string, string>>;
  /** `lighttpd -p` of the rewritten config ('' when it failed) and its stderr. */
  readonly print: string;
  readonly printError: string;
}

/** Lists the primary config of every entry in `corpusDir/results.json`. */
export function corpusConfigs(corpusDir: string): CorpusConfig[] {
  const entries = JSON.parse(readFileSync(path.join(corpusDir, 'results.json'), 'utf8')) as { id: string; runs: { main: string }[] }[];
  return entries.flatMap((e) => {
    const main = e.runs[0]?.main;
    return main === undefined ? [] : [{ id: `${e.id}/${main}`, entryDir: path.join(corpusDir, e.id), main }];
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Recorded outputs and scripts are not config text. */
function isConfigFile(f: string): boolean {
  return !/\.(?:txt|sh|pl|json|htpasswd|user)$/.test(f);
}

/** The rewritten texts of an entry (placeholders for ports), computed once and shared by both servers. */
export interface EntryTemplate {
  readonly config: CorpusConfig;
  readonly ports: PortMap;
  /** Relative file → rewritten text, per root. */
  render(root: string): Map<string, string>;
  env(root: string): Record<string, string>;
}

/** Reads an entry and returns its rewriting; the port placeholders are known after the first render. */
export function entryTemplate(config: CorpusConfig): EntryTemplate {
  const ports = new PortMap();
  const files = listFiles(config.entryDir).filter(isConfigFile);
  const envFile = path.join(config.entryDir, 'env.txt');
  const rawEnv = { ...CORPUS_ENV, ...(existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : {}) };
  const render = (root: string): Map<string, string> => {
    const out = new Map<string, string>();
    for (const f of files) out.set(path.relative(config.entryDir, f), rewriteConfigText(readFileSync(f, 'latin1'), root, ports));
    const pre = listenerPreamble([...out.values()].join('\n'), ports);
    out.set(config.main, pre + (out.get(config.main) ?? ''));
    return out;
  };
  const env = (root: string): Record<string, string> => rewriteEnv(rawEnv, root, ports);
  // one dry run numbers the ports (the order is the text's, so every later render agrees)
  render('/');
  env('/');
  return { config, ports, render, env };
}

/** Copies the entry under `base`, writes the rewritten files with `portNumbers`, and populates `base/r`. */
export function prepareCopy(tpl: EntryTemplate, base: string, portNumbers: readonly number[]): PreparedCopy {
  const dir = path.join(base, 'e');
  const root = path.join(base, 'r');
  cpSync(tpl.config.entryDir, dir, { recursive: true });
  // the corpus is read-only; the copy is rewritten in place
  for (const f of [dir, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((n) => path.join(dir, n))]) chmodSync(f, statSync(f).mode | 0o200);
  for (const [rel, text] of tpl.render(root)) writeFileSync(path.join(dir, rel), fillPorts(text, portNumbers), 'latin1');
  const env: Record<string, string> = {};
  // a relative directory in env.txt (the upstream tests' SRCDIR=.) is the entry folder; made absolute so
  // that tswstunnel, started in this process, resolves it the same way as lighttpd started in `dir`
  for (const [k, v] of Object.entries(tpl.env(root))) env[k] = fillPorts(v === '.' || v.startsWith('./') ? path.join(dir, v) : v, portNumbers);
  const main = path.join(dir, tpl.config.main);
  const p = spawnSync(LIGHTTPD_BIN, ['-p', '-f', main], { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
  const print = p.status === 0 ? p.stdout : '';
  if (print !== '') populate(print, root, dir);
  return { dir, main, env, print, printError: p.status === 0 ? '' : (p.stderr || `exit ${p.status}`).trim() };
}

function writeServedFiles(dir: string): void {
  for (const [rel, body] of Object.entries(SERVED_FILES)) {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    if (!existsSync(f)) writeFileSync(f, body);
    utimesSync(f, MTIME, MTIME);
  }
}

/** Creates what the printed config points at under the temporary root (or the entry copy). */
function populate(print: string, root: string, dir: string): void {
  let key = '';
  for (const line of print.split('\n')) {
    const k = /^\s*([a-z][\w.-]*)\s*[:+]?=/.exec(line);
    if (k?.[1] !== undefined) key = k[1];
    for (const m of line.matchAll(/"([^"]*)"/g)) {
      const raw = m[1] ?? '';
      const p = raw.startsWith('./') ? path.join(dir, raw) : raw;
      if (!p.startsWith(root) && !p.startsWith(dir)) continue;
      if (key === 'server.document-root' || key === 'alias.url') {
        mkdirSync(p, { recursive: true });
        if (statSync(p).isDirectory()) writeServedFiles(p);
      } else if (/pemfile|privkey|ca-file/.test(key)) {
        mkdirSync(path.dirname(p), { recursive: true });
        const cert = testCert();
        writeFileSync(p, readFileSync(cert.bothFile));
      } else if (/dirs?$/.test(key)) {
        mkdirSync(p, { recursive: true });
      } else {
        mkdirSync(path.dirname(p), { recursive: true });
      }
    }
  }
}

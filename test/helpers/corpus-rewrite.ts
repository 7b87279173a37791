/**
 * Mechanical rewriting of a corpus config so it can be served on this machine: listeners move to
 * 127.0.0.1 on free ports, absolute system paths (document roots, logs, pid files, upload dirs, backend
 * sockets, certificates) move under a temporary root, and `server.username` / `groupname` / `chroot` are
 * dropped. Everything else stays verbatim. Ports become `@PORTn@` placeholders so both servers can be
 * given the same text with their own ports.
 */

/**
 * Path prefixes that are moved under the temporary root (not on include lines, and not a literal that is
 * appended to something else: `env.SRCDIR + "/tmp/…"` is a suffix, not a path of its own).
 */
const SYSTEM_PATH = /(?<!\+\s*)"(\/(?:var|srv|home|run|tmp|etc|opt|dev|usr\/share|usr\/local)(?:\/[^"]*)?)"/g;

/** A rewritten config template. */
export interface RewrittenText {
  readonly text: string;
  /** Original port numbers, in placeholder order (`@PORT1@` is the first). */
  readonly ports: readonly string[];
}

/** Keeps the original → placeholder mapping of ports across the files of one entry. */
export class PortMap {
  readonly ports: string[] = [];

  /** The placeholder for an original port number. */
  placeholder(port: string): string {
    let i = this.ports.indexOf(port);
    if (i < 0) i = this.ports.push(port) - 1;
    return `@PORT${i + 1}@`;
  }
}

function rewriteSocket(value: string, ports: PortMap): string {
  // "host:port", ":port", "[v6]:port"; a unix socket path or a bare host stays as written
  const m = /^(?:\[[^\]]*\]|[^:[]*):(\d+)$/.exec(value);
  return m?.[1] === undefined ? value : `127.0.0.1:${ports.placeholder(m[1])}`;
}

/** Rewrites one config file's text; `root` is the temporary root that replaces `/`. */
export function rewriteConfigText(text: string, root: string, ports: PortMap): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*server\.(?:username|groupname|chroot)\s*=/.test(line)) return `# (corpus-serve: dropped) ${line}`;
      if (/^\s*include(?:_shell)?\s/.test(line)) return line;
      let out = line.replace(/^(\s*server\.port\s*:?=\s*)(\d+)/, (_m, k: string, p: string) => `${k}${ports.placeholder(p)}`);
      out = out.replace(/^(\s*server\.bind\s*:?=\s*)"[^"]*"/, '$1"127.0.0.1"');
      out = out.replace(/(\$SERVER\["socket"\]\s*[!=]=\s*)"([^"]*)"/g, (_m, k: string, v: string) => `${k}"${rewriteSocket(v, ports)}"`);
      return out.replace(SYSTEM_PATH, (_m, p: string) => `"${root}${p}"`);
    })
    .join('\n');
}

/** Rewrites an entry's environment (env.txt) the same way: port numbers and system paths. */
export function rewriteEnv(env: Readonly<Record<string, string>>, root: string, ports: PortMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (/PORT/.test(k) && /^\d+$/.test(v)) out[k] = ports.placeholder(v);
    else out[k] = `"${v}"`.replace(SYSTEM_PATH, (_m, p: string) => `"${root}${p}"`).slice(1, -1);
  }
  return out;
}

/** Lines added in front of the main file when the whole entry sets no port / bind (lighttpd's defaults 80 / any). */
export function listenerPreamble(allText: string, ports: PortMap): string {
  let pre = '';
  if (!/^\s*server\.port\s*:?=/m.test(allText)) pre += `server.port = ${ports.placeholder('80')}\n`;
  if (!/^\s*server\.bind\s*:?=/m.test(allText)) pre += 'server.bind = "127.0.0.1"\n';
  return pre;
}

/** Replaces the placeholders with real port numbers. */
export function fillPorts(text: string, ports: readonly number[]): string {
  return text.replace(/@PORT(\d+)@/g, (_m, n: string) => String(ports[Number(n) - 1] ?? 0));
}

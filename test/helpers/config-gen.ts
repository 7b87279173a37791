/**
 * Random lighttpd configs for the fuzz test and the benchmark: a seeded PRNG, a grammar-based generator
 * (mostly valid configs with every construct), and mutators (token deletion, duplication, insertion,
 * swaps, random bytes) applied to real configs.
 */

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const KEYS = [
  'server.document-root', 'server.port', 'server.modules', 'server.name', 'server.tag', 'mimetype.assign',
  'index-file.names', 'url.access-deny', 'wstunnel.server', 'wstunnel.frame-type', 'proxy.server', 'proxy.header',
  'server.max-request-size', 'server.follow-symlink', 'alias.url', 'url.redirect', 'setenv.add-response-header',
  'accesslog.filename', 'server.stream-request-body', 'var.x', 'var.y', 'a', 'b', 'base', 'Dir', 'server.errorlog',
];
const FIELDS = [
  '$HTTP["url"]', '$HTTP["host"]', '$HTTP["remote-ip"]', '$HTTP["scheme"]', '$HTTP["request-method"]',
  '$HTTP["querystring"]', '$HTTP["useragent"]', '$HTTP["referer"]', '$HTTP["cookie"]', '$HTTP["language"]',
  '$REQUEST_HEADER["Upgrade"]', '$SERVER["socket"]', '$HTTP["remoteip"]', '$PHYSICAL["path"]', '$HTTP["nope"]',
];
const OPERATORS = ['==', '!=', '=~', '!~', '=^', '=$'];
const PATTERNS = ['/ws/', '^/ws/', '\\.php$', '^/a/b$', 'example.org', '^(www\\.)?x\\.org$', ':8080', '10.0.0.0/8', '(a', '', '^10', 'GET'];
const STRINGS = ['', 'x', '/srv/www', 'mod_access', 'mod_wstunnel', 'enable', 'binary', 'a"b', 'ü', 'line\nbreak', '8080'];

function quote(s: string): string {
  return `"${s.replaceAll('"', '\\"')}"`;
}

/** A grammar-based random config of roughly `statements` top-level statements. */
export function generateConfig(rng: Rng, statements: number): string {
  const out: string[] = [];
  for (let i = 0; i < statements; i++) out.push(statement(rng, 0));
  return out.join('\n') + '\n';
}

function statement(rng: Rng, depth: number): string {
  const ind = '  '.repeat(depth);
  const r = rng.next();
  if (r < 0.6 || depth > 3) return `${ind}${rng.pick(KEYS)} ${rng.pick(['=', '=', '+=', ':='])} ${expression(rng, 0)}`;
  if (r < 0.65) return `${ind}# comment ${rng.int(100)}`;
  if (r < 0.7) return `${ind}include ${quote(rng.pick(['inc/simple.conf', 'inc/glob/*.conf', 'inc/none.conf', 'inc/nomatch/*']))}`;
  if (r < 0.73) return `${ind}global {\n${statement(rng, depth + 1)}\n${ind}}`;
  const chain: string[] = [`${ind}${condition(rng)} {\n${body(rng, depth)}${ind}}`];
  while (rng.chance(0.3)) {
    const head = rng.chance(0.3) ? '' : `${condition(rng)} `;
    chain.push(` else ${head}{\n${body(rng, depth)}${ind}}`);
    if (head === '') break;
  }
  return chain.join('');
}

function body(rng: Rng, depth: number): string {
  const n = rng.int(4);
  let s = '';
  for (let i = 0; i < n; i++) s += statement(rng, depth + 1) + '\n';
  return s;
}

function condition(rng: Rng): string {
  return `${rng.pick(FIELDS)} ${rng.pick(OPERATORS)} ${quote(rng.pick(PATTERNS))}`;
}

function expression(rng: Rng, depth: number): string {
  let e = value(rng, depth);
  while (rng.chance(0.15)) e += ` + ${value(rng, depth)}`;
  return e;
}

function value(rng: Rng, depth: number): string {
  const r = rng.next();
  if (r < 0.35) return quote(rng.pick(STRINGS));
  if (r < 0.5) return String(rng.pick([0, 1, 80, 8080, 65536, 2147483647, 4294967296]));
  if (r < 0.6) return rng.pick(['a', 'b', 'var.x', 'base', 'CWD', 'PID', 'env.HOME', 'env.NOPE', 'server.port']);
  if (depth > 3) return '()';
  const n = rng.int(7);
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    items.push(rng.chance(0.5) ? `${quote(rng.pick(STRINGS))} => ${expression(rng, depth + 1)}` : expression(rng, depth + 1));
  }
  return `( ${items.join(', ')} )`;
}

const TOKEN = /"(?:\\.|[^"\\])*"|[A-Za-z0-9_.-]+|\s+|./gsu;
const INSERTS = [
  '{', '}', '(', ')', ',', '=>', '=', '+=', ':=', '+', 'else', 'global', '$HTTP["url"]', '$SERVER["socket"]', '==', '=~',
  '"x"', '1', '99999999999999999999', '\n', '#', '"', 'include', 'env.X', 'var.y', '$', '[', ']', '\\', '\0',
];

/** One random mutation of `text` (token-level or byte-level). */
export function mutate(rng: Rng, text: string): string {
  const tokens = text.match(TOKEN) ?? [];
  const i = rng.int(tokens.length + 1);
  switch (rng.int(6)) {
    case 0:
      tokens.splice(i, 1);
      break;
    case 1:
      tokens.splice(i, 0, tokens[i] ?? '');
      break;
    case 2:
      tokens.splice(i, 0, rng.pick(INSERTS));
      break;
    case 3: {
      const j = rng.int(tokens.length);
      const a = tokens[i];
      const b = tokens[j];
      if (a !== undefined && b !== undefined) [tokens[i], tokens[j]] = [b, a];
      break;
    }
    case 4: {
      let bytes = '';
      for (let n = rng.int(4) + 1; n > 0; n--) bytes += String.fromCharCode(rng.int(256));
      tokens.splice(i, 0, bytes);
      break;
    }
    default:
      tokens.splice(i, rng.int(8));
      break;
  }
  return tokens.join('');
}

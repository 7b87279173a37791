/**
 * A tiny reader for the subset of lighttpd config text the core tests use (assignments with strings,
 * integers and arrays; nested condition blocks; else / else-condition chains). It stands in for
 * loadConfig() until the real reader is on main; tests call `configFromText`, which prefers the real one.
 */
import type { ConfigArrayItem, ConfigBlock, ConfigEntry, ConfigTree, ConfigValue, CondField, CondOp, Condition } from '../../src/config/tree.js';

const FIELDS: Readonly<Record<string, CondField>> = {
  url: 'url', host: 'host', 'remote-ip': 'remote-ip', remoteip: 'remote-ip', scheme: 'scheme', 'request-method': 'request-method',
  querystring: 'querystring', 'query-string': 'querystring', useragent: 'useragent', 'user-agent': 'user-agent', referer: 'referer',
  cookie: 'cookie', language: 'language', socket: 'socket',
};
const NEGATE: Readonly<Record<CondOp, CondOp>> = { '==': '!=', '!=': '==', '=~': '!~', '!~': '=~', '=^': '!^', '!^': '=^', '=$': '!$', '!$': '=$' };

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  skip(): void {
    for (;;) {
      const m = /^(\s+|#[^\n]*)/.exec(this.text.slice(this.pos));
      if (!m) return;
      this.pos += m[0].length;
    }
  }

  peek(re: RegExp): RegExpExecArray | null {
    this.skip();
    return re.exec(this.text.slice(this.pos));
  }

  take(re: RegExp, what: string): RegExpExecArray {
    const m = this.peek(re);
    if (!m) throw new Error(`mini-config: expected ${what} at ${this.pos}: ${this.text.slice(this.pos, this.pos + 30)}`);
    this.pos += m[0].length;
    return m;
  }

  string(): string {
    const m = this.take(/^"((?:[^"\\]|\\.)*)"/, 'string');
    return (m[1] ?? '').replace(/\\"/g, '"');
  }

  value(): ConfigValue {
    if (this.peek(/^"/)) return { type: 'string', value: this.string() };
    if (this.peek(/^-?[0-9]+/)) return { type: 'integer', value: Number(this.take(/^-?[0-9]+/, 'int')[0]) };
    this.take(/^\(/, '(');
    const items: ConfigArrayItem[] = [];
    while (!this.peek(/^\)/)) {
      let key: string | null = null;
      if (this.peek(/^"(?:[^"\\]|\\.)*"\s*=>/)) {
        key = this.string();
        this.take(/^=>/, '=>');
      }
      items.push({ key, value: this.value() });
      if (!this.peek(/^,/)) break;
      this.take(/^,/, ',');
    }
    this.take(/^\)/, ')');
    return { type: 'array', items };
  }
}

/** Parses config text (the subset above) into a ConfigTree. */
export function parseMiniConfig(text: string, file = 'test.conf'): ConfigTree {
  const r = new Reader(text);
  const global: ConfigBlock = { id: 0, parent: null, children: [], condition: null, isPlainElse: false, elsePrev: null, elseNext: null, entries: [] };
  const blocks: ConfigBlock[] = [global];

  const setEntry = (block: ConfigBlock, key: string, op: string, value: ConfigValue): void => {
    const i = block.entries.findIndex((e) => e.key.toLowerCase() === key.toLowerCase());
    let v = value;
    if (op === '+=') {
      let prev: ConfigValue | undefined;
      for (let b: ConfigBlock | null = block; b && !prev; b = b.parent) prev = b.entries.find((e) => e.key.toLowerCase() === key.toLowerCase())?.value;
      if (prev?.type === 'array' && value.type === 'array') v = { type: 'array', items: [...prev.items, ...value.items] };
      else if (prev?.type === 'string' && value.type === 'string') v = { type: 'string', value: prev.value + value.value };
    }
    const entry: ConfigEntry = { key, value: v };
    if (i >= 0) block.entries[i] = entry;
    else block.entries.push(entry);
  };

  const cond = (): Condition => {
    const m = r.take(/^\$(HTTP|SERVER|REQUEST_HEADER)\["([^"]*)"\]\s*(==|!=|=~|!~|=\^|=\$)/, 'condition');
    const object = m[1] ?? '';
    const tag = m[2] ?? '';
    const op = (m[3] ?? '==') as CondOp;
    const value = r.string();
    const field: CondField = object === 'REQUEST_HEADER' ? 'header' : (FIELDS[tag.toLowerCase()] ?? 'url');
    return { object, tag, field, op, value, text: `$${object}["${tag}"] ${op} "${value}"`, regex: op === '=~' || op === '!~' ? new RegExp(value) : null };
  };

  const body = (block: ConfigBlock): void => {
    for (;;) {
      if (r.peek(/^\}/) || r.pos >= r.text.length) return;
      if (r.peek(/^\$/)) {
        let prev: ConfigBlock | null = null;
        let c: Condition | null = cond();
        for (;;) {
          const child: ConfigBlock = {
            id: blocks.length, parent: block, children: [], condition: c, isPlainElse: c === null, elsePrev: prev, elseNext: null, entries: [],
          };
          if (c === null && prev?.condition) {
            const pc = prev.condition;
            Object.assign(child, { condition: { ...pc, op: NEGATE[pc.op], text: 'else' } });
          }
          if (prev) prev.elseNext = child;
          blocks.push(child);
          block.children.push(child);
          r.take(/^\{/, '{');
          body(child);
          r.take(/^\}/, '}');
          if (!r.peek(/^else\b/)) break;
          r.take(/^else\b/, 'else');
          prev = child;
          c = r.peek(/^\$/) ? cond() : null;
        }
        continue;
      }
      const m = r.take(/^([A-Za-z0-9_.-]+)\s*(\+=|:=|=)/, 'assignment');
      setEntry(block, m[1] ?? '', m[2] ?? '=', r.value());
      r.skip();
    }
  };
  body(global);
  return { blocks, global, file };
}

/**
 * The `-p` printer: a ConfigTree in lighttpd 1.4.69's own dump format (cli-print.md §4.2), byte for byte,
 * so that `tswstunnel -p` can be diffed against `lighttpd -p`.
 *
 * Padding counts bytes (lighttpd strings are bytes; ours are UTF-8 decoded), hence `Buffer.byteLength`.
 */
import type { ConfigArray, ConfigBlock, ConfigTree, ConfigValue } from './tree.js';

/** The whole dump, ending with one `\n`, exactly as `lighttpd -p` writes it to stdout. */
export function printConfig(tree: ConfigTree): string {
  const out: string[] = [];
  printBlock(tree.global, 0, out);
  out.push('\n');
  return out.join('');
}

/** Prints one value at nesting depth `depth` (used by tests and by messages that quote values). */
export function printValue(v: ConfigValue, depth: number): string {
  const out: string[] = [];
  writeValue(v, depth, out);
  return out.join('');
}

function indent(depth: number): string {
  return '    '.repeat(depth);
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The block's condition as printed in its header and after `# end of`. */
function conditionText(b: ConfigBlock): string {
  return b.isPlainElse ? 'else' : (b.condition?.text ?? '');
}

function printBlock(b: ConfigBlock, depth: number, out: string[]): void {
  const isGlobal = b.parent === null;
  if (isGlobal) {
    out.push('config {\n');
  } else {
    if (!b.isPlainElse) out.push(conditionText(b), ' ');
    out.push('{\n', indent(depth + 1), '# block ', String(b.id), '\n');
  }
  const inner = depth + 1;
  let width = 0;
  for (const e of b.entries) width = Math.max(width, byteLength(e.key));
  for (const e of b.entries) {
    out.push(indent(inner), e.key, ' '.repeat(width - byteLength(e.key)), ' = ');
    writeValue(e.value, inner, out);
    out.push('\n');
  }
  out.push('\n');
  for (const child of b.children) {
    if (child.elsePrev !== null) continue; // printed by its chain predecessor
    out.push('\n', indent(inner));
    printBlock(child, inner, out);
    out.push('\n');
  }
  out.push(indent(depth), '}');
  if (!isGlobal) out.push(' # end of ', conditionText(b));
  if (b.elseNext !== null) {
    out.push('\n', indent(depth), 'else ');
    printBlock(b.elseNext, depth, out);
  }
}

function writeValue(v: ConfigValue, depth: number, out: string[]): void {
  switch (v.type) {
    case 'string':
      out.push('"', v.value.replaceAll('"', '\\"'), '"');
      return;
    case 'integer':
      out.push(String(v.value));
      return;
    case 'array':
      writeArray(v, depth, out);
      return;
    default:
      assertNever(v);
  }
}

/** Short all-scalar lists print inline, keys of later elements dropped (lighttpd's lossy shortcut). */
function isInline(a: ConfigArray): boolean {
  if (a.items.length > 5) return false;
  const first = a.items[0];
  if (first !== undefined && first.key !== null) return false;
  return a.items.every((it) => it.value.type !== 'array');
}

function writeArray(a: ConfigArray, depth: number, out: string[]): void {
  if (isInline(a)) {
    out.push('(');
    a.items.forEach((it, i) => {
      if (i > 0) out.push(', ');
      writeValue(it.value, depth + 1, out);
    });
    out.push(')');
    return;
  }
  let width = 0;
  for (const it of a.items) if (it.key !== null) width = Math.max(width, byteLength(it.key));
  out.push('(\n');
  for (const it of a.items) {
    out.push(indent(depth + 1));
    if (it.key !== null) out.push('"', it.key, '"', ' '.repeat(width - byteLength(it.key)), ' => ');
    writeValue(it.value, depth + 1, out);
    out.push(',\n');
  }
  out.push(indent(depth), ')');
}

function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

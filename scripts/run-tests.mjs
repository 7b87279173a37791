#!/usr/bin/env node
// Runs node:test over the compiled *.test.js files of the given suite (Node 20 has no glob support in --test).
// Usage: node scripts/run-tests.mjs unit|e2e [extra node --test flags]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suite = process.argv[2] ?? 'unit';
const roots = suite === 'e2e' ? ['dist/test/e2e'] : ['dist/grammar', 'dist/src', 'dist/test/unit', 'dist/test/integration'];
const files = [];
for (const root of roots) {
  let names;
  try {
    names = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    continue;
  }
  for (const n of names) if (n.endsWith('.test.js')) files.push(join(root, n));
}
files.sort();
if (files.length === 0) {
  console.error(`run-tests: no compiled tests found for suite ${suite}`);
  process.exit(1);
}
const concurrency = suite === 'e2e' ? '1' : '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(3), ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

#!/usr/bin/env node
// Re-records the golden outputs of fixtures/configs/*.conf from the real lighttpd (`lighttpd -p -f NAME.conf`,
// run in fixtures/configs with a fixed minimal environment): NAME.p.txt (stdout) and NAME.p.stderr.txt
// (`exit=N`, then stderr). var.CWD (the fixtures directory) becomes @CWD@, the process id @PID@, and log
// timestamps are removed. Fixtures whose first line contains `golden: hand-written` keep their expected files.
// Usage: node scripts/update-golden.mjs [--check]   (--check: compare only, exit 1 if a recorded file is stale)
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'fixtures', 'configs');
const lighttpd = process.env.LIGHTTPD ?? '/usr/sbin/lighttpd';
// Keep in sync with test/helpers/golden.ts (GOLDEN_ENV).
const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C', FIXTURE_NAME: 'fixture' };
const check = process.argv.includes('--check');

if (!existsSync(lighttpd)) {
  console.error(`update-golden: ${lighttpd} not found (apt-get install lighttpd)`);
  process.exit(2);
}

function normalize(text, pid) {
  return text
    .split(dir).join('@CWD@')
    .replace(new RegExp(`\\b${pid}\\b`, 'g'), '@PID@')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: /g, '');
}

let stale = 0;
let written = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.conf')).sort()) {
  const text = readFileSync(path.join(dir, name), 'utf8');
  if (/golden: hand-written/.test(text.split('\n', 1)[0] ?? '')) continue;
  const r = spawnSync(lighttpd, ['-p', '-f', name], { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
  const out = normalize(r.stdout ?? '', r.pid);
  const err = `exit=${r.status ?? 'signal ' + r.signal}\n${normalize(r.stderr ?? '', r.pid)}`;
  for (const [file, content] of [[`${name}.p.txt`, out], [`${name}.p.stderr.txt`, err]]) {
    const target = path.join(dir, file);
    const old = existsSync(target) ? readFileSync(target, 'utf8') : null;
    if (old === content) continue;
    if (check) {
      console.error(`update-golden: ${file} is not current`);
      stale++;
    } else {
      writeFileSync(target, content);
      written++;
    }
  }
}
if (check) process.exit(stale === 0 ? 0 : 1);
console.log(`update-golden: ${written} file(s) written in fixtures/configs`);

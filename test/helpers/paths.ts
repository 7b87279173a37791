/**
 * Paths tests need: the repository root (tests run from dist/test/...) and the shared/ folder beside
 * it (worktrees fall back to /work/shared).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

/** The repository root (the folder with package.json). */
export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The shared/ folder: beside the repository, else /work/shared. */
export const sharedDir = existsSync(path.resolve(repoRoot, '..', 'shared')) ? path.resolve(repoRoot, '..', 'shared') : '/work/shared';

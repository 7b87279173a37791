/**
 * Finds the shared folder (specs, corpus) next to the repository: `<repo>/../shared`, or /work/shared.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is compiled to dist/test/unit/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared folder: `<repo>/../shared` when present, else /work/shared. */
export function sharedDir(): string {
  const beside = path.resolve(repoRoot, '..', 'shared');
  if (existsSync(path.join(beside, 'corpus'))) return beside;
  return '/work/shared';
}

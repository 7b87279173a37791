/**
 * Where the end-to-end tests find the repository, its examples and their fixtures.
 *
 * Compiled to dist/test/e2e/support/, so the repository root is four levels up from this file.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Absolute path of the repository root (the folder with package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The documented examples, verbatim from lighttpd's mod_wstunnel wiki page. */
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** Wrapper configs that include an example and set only what the example leaves out (port, bind). */
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'e2e', 'fixtures');

/** noVNC as Debian installs it (the document root of examples/novnc.conf). */
export const NOVNC_DIR = '/usr/share/novnc';

/**
 * Chevrotain at run time, taken from the one-file build its package ships (lib/chevrotain.mjs) rather
 * than from the package entry: the entry's module tree pulls in ~640 lodash-es files, which Node's ESM
 * loader opens all at once (EMFILE, and no start at all, under a low `ulimit -n`) and which cost ~0.4 s
 * of every start (`-p`, `-t`, the server). Same package, same version. Should a later layout lack the
 * file, the package entry is used. Types come from the package as usual (`import type`).
 */
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  const bundle = new URL('../chevrotain.mjs', import.meta.resolve('chevrotain'));
  try {
    return (await import(bundle.href)) as typeof Chevrotain;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return await import('chevrotain');
  }
}

const chevrotain = await load();

export const { CstParser, Lexer, createToken, createTokenInstance, generateCstDts } = chevrotain;

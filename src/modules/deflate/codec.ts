/**
 * The compressors behind mod_deflate's codings, with lighttpd 1.4.69's settings: gzip and deflate at
 * `deflate.compression-level` (zlib's default 6 when unset), window 15, memLevel 8 (deflate = zlib
 * format, as lighttpd's deflateInit2 without the gzip flag); brotli at quality = the level, 5 when unset,
 * text mode for text-like types and font mode for fonts, with the body size as a hint when known.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Codec } from './encodings.js';

/** How one body is compressed. */
export interface CodecParams {
  readonly codec: Codec;
  /** deflate.compression-level (-1: default). */
  readonly level: number;
  /** The response's Content-Type ('' when none): picks brotli's mode. */
  readonly contentType: string;
  /** The uncompressed length when known, else -1. */
  readonly sizeHint: number;
}

/** lighttpd: BROTLI_MODE_TEXT for text/, application/{javascript,json,xml}…, *+json, *+xml; FONT for font/. */
function brotliMode(type: string): number {
  if (type.startsWith('text/')) return zlib.constants.BROTLI_MODE_TEXT;
  if (type.startsWith('application/')) {
    const sub = type.slice(12);
    if (sub.startsWith('javascript') || sub.startsWith('json') || sub.startsWith('xml')) return zlib.constants.BROTLI_MODE_TEXT;
  }
  if (type.length > 4 && (type.endsWith('+json') || type.endsWith('+xml'))) return zlib.constants.BROTLI_MODE_TEXT;
  if (type.startsWith('font/')) return zlib.constants.BROTLI_MODE_FONT;
  return zlib.constants.BROTLI_MODE_GENERIC;
}

function brotliOptions(p: CodecParams): zlib.BrotliOptions {
  const params: Record<number, number> = {
    [zlib.constants.BROTLI_PARAM_QUALITY]: p.level >= 0 ? p.level : 5,
    [zlib.constants.BROTLI_PARAM_MODE]: brotliMode(p.contentType),
  };
  if (p.sizeHint >= 0 && p.sizeHint < 0x7fffffff) params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = p.sizeHint;
  return { params };
}

function zlibOptions(p: CodecParams): zlib.ZlibOptions {
  return { level: p.level > 0 ? p.level : zlib.constants.Z_DEFAULT_COMPRESSION, windowBits: 15, memLevel: 8 };
}

/** A streaming compressor (its work runs on libuv's thread pool, not the event loop). */
export function createCompressor(p: CodecParams): Transform {
  switch (p.codec) {
    case 'gzip':
      return zlib.createGzip(zlibOptions(p));
    case 'deflate':
      return zlib.createDeflate(zlibOptions(p));
    case 'br':
      return zlib.createBrotliCompress(brotliOptions(p));
  }
}

/** Compresses a whole body in one thread-pool job. */
export function compressWhole(p: CodecParams, data: Buffer, done: (err: Error | null, out: Buffer) => void): void {
  switch (p.codec) {
    case 'gzip':
      zlib.gzip(data, zlibOptions(p), done);
      return;
    case 'deflate':
      zlib.deflate(data, zlibOptions(p), done);
      return;
    case 'br':
      zlib.brotliCompress(data, brotliOptions(p), done);
      return;
  }
}

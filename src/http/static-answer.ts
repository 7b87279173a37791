/**
 * A static file's 200 headers as lighttpd's http_response_send_file sets them — Content-Type, ETag and
 * Last-Modified (unless the type is the implicit octet-stream), Content-Length, Accept-Ranges — as one
 * engine HeaderTemplate, kept in the file's stat-cache entry (FileEntry.answer) for the settings it was
 * built with. The entry drops it whenever the file changes (with the ETag and Last-Modified it holds),
 * and a request with other settings builds and keeps its own.
 */
import { HeaderTemplate } from '../http1/header-template.js';
import type { FileEntry } from './stat-cache.js';

/** The headers of one 200 answer (see the file header). */
export class StaticAnswer {
  readonly template: HeaderTemplate;
  readonly #type: string;
  readonly #etag: string | null;
  readonly #lastModified: string | null;
  readonly #rangeable: boolean;
  readonly #size: number;

  constructor(type: string, etag: string | null, lastModified: string | null, size: number, rangeable: boolean) {
    const pairs = ['Content-Type', type];
    if (etag !== null) pairs.push('ETag', etag);
    if (lastModified !== null) pairs.push('Last-Modified', lastModified);
    pairs.push('Content-Length', String(size));
    if (rangeable) pairs.push('Accept-Ranges', 'bytes');
    this.template = new HeaderTemplate(pairs);
    this.#type = type;
    this.#etag = etag;
    this.#lastModified = lastModified;
    this.#rangeable = rangeable;
    this.#size = size;
  }

  /** Whether this answer was built with these headers. */
  fits(type: string, etag: string | null, lastModified: string | null, size: number, rangeable: boolean): boolean {
    return this.#size === size && this.#type === type && this.#etag === etag && this.#lastModified === lastModified && this.#rangeable === rangeable;
  }
}

/** The header template for a 200 of `file` with these headers (kept in the entry; the last settings win). */
export function answerTemplate(file: FileEntry, type: string, etag: string | null, lastModified: string | null, size: number, rangeable: boolean): HeaderTemplate {
  const kept = file.answer;
  if (kept !== null && kept.fits(type, etag, lastModified, size, rangeable)) return kept.template;
  const made = new StaticAnswer(type, etag, lastModified, size, rangeable);
  file.answer = made;
  return made.template;
}

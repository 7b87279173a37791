/**
 * HeaderTemplate: a fixed list of response headers a handler sends again and again (a static file's
 * Content-Type, ETag, Last-Modified, Content-Length, Accept-Ranges), checked and serialised once.
 *
 * A response takes a template as if each header were set one by one (HttpResponse.setHeaderTemplate);
 * anything that changes its headers afterwards — a response-start hook adding one, a handler removing
 * one — makes it an ordinary header list again. While it stays untouched, its head is the template's
 * lines inside the usual status line, framing, Connection, Date and Server (header-block.ts), memoised
 * for the last combination of those; and head plus a repeated body is memoised as one string.
 * The bytes are exactly those headerBlock would write for the same list.
 */
import { checkHeader } from './response-checks.js';
import { headerLines, LINES_SEEN, wrapLines, type BlockInfo } from './header-block.js';

/** One template (see the file header). Immutable apart from its memo. */
export class HeaderTemplate {
  readonly names: readonly string[];
  readonly lowers: readonly string[];
  readonly values: readonly string[];
  readonly #lines: string;
  readonly #hasDate: boolean;
  readonly #hasServer: boolean;
  // the last head built, and what it was built for (the Date line is compared as the cached string)
  #head = '';
  #version = '';
  #status = 0;
  #reason = '';
  #connection = '';
  #framing = '';
  #serverTag = '';
  #date = '';
  // the last head + body joined
  #joinedHead = '';
  #joinedBody = '';
  #joined = '';

  /** `pairs`: name, value, name, value … (names as they are to be spelled). Throws like setHeader on bad input. */
  constructor(pairs: readonly string[]) {
    const names: string[] = [];
    const lowers: string[] = [];
    const values: string[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const name = pairs[i] ?? '';
      const value = pairs[i + 1] ?? '';
      const lower = checkHeader(name, value);
      if (lowers.includes(lower)) throw new TypeError(`HeaderTemplate: ${name} given twice`);
      names.push(name);
      lowers.push(lower);
      values.push(value);
    }
    this.names = Object.freeze(names);
    this.lowers = Object.freeze(lowers);
    this.values = Object.freeze(values);
    this.#lines = headerLines(names, lowers, values);
    this.#hasDate = LINES_SEEN.date;
    this.#hasServer = LINES_SEEN.server;
  }

  /** The head for `info` and the current Date line (`date`, as dateLine() returns it). */
  head(info: BlockInfo, date: string): string {
    if (
      this.#date === date &&
      this.#status === info.status &&
      this.#connection === info.connection &&
      this.#framing === info.framing &&
      this.#serverTag === info.serverTag &&
      this.#version === info.version &&
      this.#reason === info.reason
    ) {
      return this.#head;
    }
    const head = wrapLines(this.#lines, this.#hasDate, this.#hasServer, info);
    this.#head = head;
    this.#date = date;
    this.#status = info.status;
    this.#connection = info.connection;
    this.#framing = info.framing;
    this.#serverTag = info.serverTag;
    this.#version = info.version;
    this.#reason = info.reason;
    return head;
  }

  /**
   * `head + body` (latin1): the same string while both are the same strings as last time (V8 flattens
   * it in place on the first write, so a repeat is written without joining or flattening again).
   */
  join(head: string, body: string): string {
    if (this.#joinedHead === head && this.#joinedBody === body) return this.#joined;
    const joined = head + body;
    this.#joinedHead = head;
    this.#joinedBody = body;
    this.#joined = joined;
    return joined;
  }
}


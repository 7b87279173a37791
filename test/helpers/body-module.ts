/**
 * A module for engine tests that reads request bodies: with `bodytest.mode` set it answers in uri-clean.
 *   "echo"    reads the whole body, answers JSON { length, sha1, head } (head: its first 64 bytes)
 *   "stream"  ignores the body, answers "one" + "two" in two writes without a Content-Length
 *   "big"     ignores the body, answers `bodytest.size` bytes of 'x' (Content-Length set), written with backpressure
 *   "ignore"  answers "ok" without reading the body
 *   "throw"   answers "ok" with a 'finish' listener that throws (a buggy module)
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { HttpResponse } from '../../src/http1/response.js';
import type { Module, Outcome } from '../../src/modules/module.js';
import type { RequestCtx } from '../../src/request/context.js';

/** The module's config. */
export interface BodyTestConf {
  readonly mode: string;
  readonly size: number;
}

/** What "echo" answers. */
export interface EchoReply {
  readonly length: number;
  readonly sha1: string;
  readonly head: string;
}

async function echo(req: RequestCtx, res: HttpResponse): Promise<void> {
  const hash = createHash('sha1');
  let length = 0;
  let head = '';
  for await (const chunk of req.raw.body) {
    const b = chunk as Buffer;
    hash.update(b);
    if (head.length < 64) head += b.subarray(0, 64 - head.length).toString('latin1');
    length += b.length;
  }
  const reply: EchoReply = { length, sha1: hash.digest('hex'), head };
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(reply));
}

async function big(res: HttpResponse, size: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  res.setHeader('Content-Length', size);
  for (let sent = 0; sent < size && !res.destroyed; ) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
    sent += part.length;
    if (!res.write(part)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  res.end();
}

/** Creates the module. */
export function createBodyTestModule(): Module<BodyTestConf> {
  return {
    name: 'mod_bodytest',
    keys: { 'bodytest.mode': { type: 'string' }, 'bodytest.size': { type: 'integer' } },
    defaults: { mode: '', size: 0 },
    compile(values) {
      const out: { mode?: string; size?: number } = {};
      const m = values.entries.get('bodytest.mode');
      if (m?.value.type === 'string') out.mode = m.value.value;
      const s = values.entries.get('bodytest.size');
      if (s?.value.type === 'integer') out.size = s.value.value;
      return out;
    },
    async onUriClean(req: RequestCtx, res: HttpResponse, conf: BodyTestConf): Promise<Outcome> {
      switch (conf.mode) {
        case 'echo':
          await echo(req, res);
          return 'handled';
        case 'stream':
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('one');
          await new Promise((r) => setTimeout(r, 10));
          res.end('two');
          return 'handled';
        case 'big':
          await big(res, conf.size);
          return 'handled';
        case 'ignore':
          res.end('ok');
          return 'handled';
        case 'throw':
          res.on('finish', () => {
            throw new Error('listener bug');
          });
          res.end('ok');
          return 'handled';
        default:
          return 'continue';
      }
    },
  };
}

/**
 * Small-file floor: a Node server on the accepted libuv handles (src/net/stream-binding.ts, as
 * tswstunnel's engine) that answers every request head in a read with one fixed 200 for the file named
 * on its command line — the headers lighttpd sends for it (Content-Type, ETag, Last-Modified,
 * Content-Length, Accept-Ranges, Date, Server) and the file's bytes, in one write. No parsing beyond
 * counting heads, no routing, no stat: what Node's read → callback → write path alone costs per
 * keep-alive request. Prints `listening PORT`.
 *
 *   node dist/bench/floors/raw-static.js FILE
 */
import { readFileSync, statSync } from 'node:fs';
import { formatHttpDate } from '../../src/http/http-date.js';
import { streamBinding, type StreamReq } from '../../src/net/stream-binding.js';
import { listenRaw, type AcceptedTcp } from './raw-listen.js';

const b = streamBinding;
if (b === null) throw new Error('this Node has no usable stream binding');
const binding = b;
const file = process.argv[2];
if (file === undefined) throw new Error('usage: raw-static.js FILE');
const st = statSync(file);
const body = readFileSync(file).toString('latin1');
const fixed = [
  'Content-Type: text/html',
  `ETag: "${st.ino.toString(16)}-${st.size.toString(16)}-${Math.floor(st.mtimeMs / 1000).toString(16)}"`,
  `Last-Modified: ${formatHttpDate(Math.floor(st.mtimeMs / 1000))}`,
  `Content-Length: ${st.size}`,
  'Accept-Ranges: bytes',
].join('\r\n');

/** The whole answer, rebuilt when the second (the Date header) changes. */
let second = -1;
let answer = '';
function currentAnswer(): string {
  const now = Math.floor(Date.now() / 1000);
  if (now !== second) {
    second = now;
    answer = `HTTP/1.1 200 OK\r\n${fixed}\r\nDate: ${formatHttpDate(now)}\r\nServer: floor\r\n\r\n${body}`;
  }
  return answer;
}

const buffer = new Uint8Array(64 * 1024);
const view = Buffer.from(buffer.buffer, 0, buffer.length);
const noop = (): void => undefined;

/** Request heads completed in `text` (no pipelining across reads: wrk sends one request per turn). */
function heads(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\r\n\r\n'); i >= 0; i = text.indexOf('\r\n\r\n', i + 4)) count++;
  return count;
}

function serve(handle: AcceptedTcp): void {
  const close = (): void => handle.close(noop);
  // one write request per connection, reused while writes complete at once (the kernel took them);
  // a write left queued in libuv keeps its request until it completes, so the next one gets a new one
  let spare: StreamReq | null = null;
  handle.useUserBuffer(buffer);
  handle.onread = (): void => {
    const n = binding.state[binding.readBytesOrError] ?? -1;
    if (n < 0) {
      close();
      return;
    }
    const count = heads(view.toString('latin1', 0, n));
    if (count === 0) return;
    const one = currentAnswer();
    const req = spare ?? binding.newWriteReq(handle, noop);
    spare = null;
    if (handle.writeLatin1String(req, count === 1 ? one : one.repeat(count)) < 0) {
      close();
      return;
    }
    if (binding.state[binding.lastWriteWasAsync] === 0) spare = req;
    else
      req.oncomplete = (): void => {
        spare = req;
      };
  };
  handle.setNoDelay(true);
  if (handle.readStart() < 0) close();
}

listenRaw(serve);

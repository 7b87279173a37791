import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, type FrameError, type FrameSink, type MessageType } from './frame-parser.js';

type Event =
  | { kind: 'data'; payload: string; type: MessageType; last: boolean }
  | { kind: 'ping' | 'pong'; payload: string }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'error'; code: string; closeCode: number };

/** A sink that records what the parser reports (payloads as hex). */
class Recorder implements FrameSink {
  readonly events: Event[] = [];
  frameData(chunk: Buffer, start: number, end: number, type: MessageType, last: boolean): void {
    this.events.push({ kind: 'data', payload: chunk.toString('hex', start, end), type, last });
  }
  framePing(payload: Buffer): void {
    this.events.push({ kind: 'ping', payload: payload.toString('hex') });
  }
  framePong(payload: Buffer): void {
    this.events.push({ kind: 'pong', payload: payload.toString('hex') });
  }
  frameClose(code: number, reason: Buffer): void {
    this.events.push({ kind: 'close', code, reason: reason.toString('hex') });
  }
  frameError(err: FrameError): void {
    this.events.push({ kind: 'error', code: err.code, closeCode: err.closeCode });
  }
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HELLO = Buffer.from('Hello').toString('hex');

function parse(...chunks: string[]): Event[] {
  const r = new Recorder();
  const p = new FrameParser(r);
  for (const c of chunks) p.write(hex(c));
  return r.events;
}

/** A masked client frame: first byte `b0`, the payload, the mask. */
function clientFrame(b0: number, payload: Buffer, mask = 0x37fa213d): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([b0, 0x80 | len]) : len < 65536 ? Buffer.from([b0, 0xfe, len >> 8, len & 0xff]) : Buffer.alloc(10);
  if (len >= 65536) {
    head[0] = b0;
    head[1] = 0xff;
    head.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    head.writeUInt32BE(len >>> 0, 6);
  }
  const m = Buffer.alloc(4);
  m.writeUInt32BE(mask);
  const body = Buffer.from(payload);
  for (let i = 0; i < len; i++) body[i] = (body[i] as number) ^ (m[i & 3] as number);
  return Buffer.concat([head, m, body]);
}

test('RFC 6455 §5.7: a masked "Hello" text frame, whole and byte by byte', () => {
  const frame = '81 85 37 fa 21 3d 7f 9f 4d 51 58';
  assert.deepEqual(parse(frame), [{ kind: 'data', payload: HELLO, type: 1, last: true }]);
  const bytes = hex(frame);
  const events = parse(...[...bytes].map((b) => b.toString(16).padStart(2, '0')));
  assert.equal(events.map((e) => (e.kind === 'data' ? e.payload : '')).join(''), HELLO, 'the mask carries over between reads');
  assert.ok(events.every((e, i) => e.kind === 'data' && e.type === 1 && e.last === (i === events.length - 1)));
});

test('a frame split at every position gives the same bytes', () => {
  const payload = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
  const frame = clientFrame(0x82, payload, 0xa1b2c3d4);
  for (let cut = 1; cut < frame.length; cut++) {
    const r = new Recorder();
    const p = new FrameParser(r);
    p.write(Buffer.from(frame.subarray(0, cut)));
    p.write(Buffer.from(frame.subarray(cut)));
    const got = r.events.map((e) => (e.kind === 'data' ? e.payload : '?')).join('');
    assert.equal(got, payload.toString('hex'), `cut at ${cut}`);
  }
});

test('16-bit and 64-bit lengths; long payloads are unmasked natively, short ones in JavaScript', () => {
  for (const len of [125, 126, 65535, 65536, 200_000]) {
    const payload = Buffer.alloc(len, 0x5a);
    payload.write('start', 0);
    const r = new Recorder();
    new FrameParser(r).write(clientFrame(0x82, payload));
    assert.equal(r.events.length, 1);
    const e = r.events[0];
    assert.ok(e?.kind === 'data' && e.last && e.payload === payload.toString('hex'), `length ${len}`);
  }
});

test('several frames in one read, and an all-zero mask', () => {
  const two = Buffer.concat([clientFrame(0x81, Buffer.from('ab')), clientFrame(0x82, Buffer.from('cd'), 0)]);
  assert.deepEqual(parse(two.toString('hex')), [
    { kind: 'data', payload: '6162', type: 1, last: true },
    { kind: 'data', payload: '6364', type: 2, last: true },
  ]);
});

test('fragments stream with the first frame’s type; control frames may come in between', () => {
  const events = parse(
    clientFrame(0x01, Buffer.from('Hel')).toString('hex'),
    clientFrame(0x89, Buffer.from('Hello')).toString('hex'),
    clientFrame(0x80, Buffer.from('lo')).toString('hex'),
  );
  assert.deepEqual(events, [
    { kind: 'data', payload: '48656c', type: 1, last: false },
    { kind: 'ping', payload: HELLO },
    { kind: 'data', payload: '6c6f', type: 1, last: true },
  ]);
});

test('empty data frames: only the end of a message is reported', () => {
  const events = parse(clientFrame(0x02, Buffer.alloc(0)).toString('hex'), clientFrame(0x00, Buffer.from('x')).toString('hex'), clientFrame(0x80, Buffer.alloc(0)).toString('hex'));
  assert.deepEqual(events, [
    { kind: 'data', payload: '78', type: 2, last: false },
    { kind: 'data', payload: '', type: 2, last: true },
  ]);
});

test('ping and pong (RFC 6455 §5.7 masked pong); a control frame split over reads is reported whole', () => {
  assert.deepEqual(parse('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), [{ kind: 'pong', payload: HELLO }]);
  const ping = clientFrame(0x89, Buffer.from('pingdata')).toString('hex');
  assert.deepEqual(parse(ping.slice(0, 14), ping.slice(14, 20), ping.slice(20)), [{ kind: 'ping', payload: Buffer.from('pingdata').toString('hex') }]);
  assert.deepEqual(parse(clientFrame(0x89, Buffer.alloc(0)).toString('hex')), [{ kind: 'ping', payload: '' }]);
});

test('close: code and reason, empty = 1005; nothing is parsed after it', () => {
  const code = Buffer.from([0x0f, 0xa0]); // 4000
  const close = clientFrame(0x88, Buffer.concat([code, Buffer.from('bye')]));
  const after = clientFrame(0x81, Buffer.from('late'));
  assert.deepEqual(parse(Buffer.concat([close, after]).toString('hex')), [{ kind: 'close', code: 4000, reason: Buffer.from('bye').toString('hex') }]);
  assert.deepEqual(parse(clientFrame(0x88, Buffer.alloc(0)).toString('hex')), [{ kind: 'close', code: 1005, reason: '' }]);
});

test('protocol errors are reported once, with their close code, and end the stream', () => {
  const err = (code: string, closeCode: number): Event[] => [{ kind: 'error', code, closeCode }];
  // RFC 6455 §5.7 unmasked "Hello": a client must mask
  assert.deepEqual(parse('81 05 48 65 6c 6c 6f', clientFrame(0x81, Buffer.from('x')).toString('hex')), err('TSW_WS_UNMASKED', 1002));
  assert.deepEqual(parse(clientFrame(0xc1, Buffer.from('x')).toString('hex')), err('TSW_WS_RSV', 1002), 'RSV1 without an extension');
  assert.deepEqual(parse(clientFrame(0xa1, Buffer.from('x')).toString('hex')), err('TSW_WS_RSV', 1002), 'RSV2');
  assert.deepEqual(parse(clientFrame(0x83, Buffer.from('x')).toString('hex')), err('TSW_WS_OPCODE', 1002));
  assert.deepEqual(parse(clientFrame(0x8b, Buffer.from('x')).toString('hex')), err('TSW_WS_OPCODE', 1002));
  assert.deepEqual(parse(clientFrame(0x09, Buffer.from('x')).toString('hex')), err('TSW_WS_CONTROL_FRAGMENTED', 1002));
  assert.deepEqual(parse(clientFrame(0x89, Buffer.alloc(126)).toString('hex')), err('TSW_WS_CONTROL_LENGTH', 1002));
  assert.deepEqual(parse(clientFrame(0x80, Buffer.from('x')).toString('hex')), err('TSW_WS_CONTINUATION', 1002), 'continuation without a start');
  assert.deepEqual(parse(clientFrame(0x01, Buffer.from('a')).toString('hex'), clientFrame(0x82, Buffer.from('b')).toString('hex')), [
    { kind: 'data', payload: '61', type: 1, last: false },
    { kind: 'error', code: 'TSW_WS_CONTINUATION', closeCode: 1002 },
  ]);
  assert.deepEqual(parse('82 ff 80 00 00 00 00 00 00 01 00 00 00 00'), err('TSW_WS_LENGTH', 1002), '64-bit length with the top bit set');
  assert.deepEqual(parse('82 ff 00 20 00 00 00 00 00 00 00 00 00 00'), err('TSW_WS_TOO_BIG', 1009), 'length ≥ 2^53');
  assert.deepEqual(parse(clientFrame(0x88, Buffer.from([3])).toString('hex')), err('TSW_WS_CLOSE_LENGTH', 1002));
  for (const c of [999, 1004, 1005, 1006, 1015, 2999, 5000]) {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(c);
    assert.deepEqual(parse(clientFrame(0x88, payload).toString('hex')), err('TSW_WS_CLOSE_CODE', 1002), `close code ${c}`);
  }
  assert.deepEqual(parse(clientFrame(0x88, Buffer.from([0x03, 0xe8, 0xff])).toString('hex')), err('TSW_WS_CLOSE_UTF8', 1007));
});

test('an error is found from the first two bytes, before the rest of the header arrives', () => {
  assert.deepEqual(parse('81 7e'), [{ kind: 'error', code: 'TSW_WS_UNMASKED', closeCode: 1002 }]);
  assert.deepEqual(parse('c2'), [], 'one byte alone decides nothing');
});

test('write(chunk, end) parses only the first `end` bytes (a shared read buffer holds older bytes after them)', () => {
  const frame = clientFrame(0x82, Buffer.from('Hello'));
  const buf = Buffer.alloc(64, 0xff); // 0xff would be an invalid header if it were read
  frame.copy(buf, 0);
  const r = new Recorder();
  const p = new FrameParser(r);
  p.write(buf, frame.length - 2);
  frame.copy(buf, 0, frame.length - 2);
  p.write(buf, 2);
  assert.deepEqual(r.events, [
    { kind: 'data', payload: Buffer.from('Hel').toString('hex'), type: 2, last: false },
    { kind: 'data', payload: Buffer.from('lo').toString('hex'), type: 2, last: true },
  ]);
  assert.equal(p.done, false);
});

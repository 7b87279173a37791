import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { Readable } from 'node:stream';
import { LazyEmitter } from './lazy-emitter.js';

class Sink extends LazyEmitter {
  readonly chunks: string[] = [];
  writable = true;
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk.toString());
    return true;
  }
  end(): this {
    this.emit('finish');
    return this;
  }
}

test('LazyEmitter: no listener table until the first listener; then on / once / off / emit as EventEmitter', () => {
  const e = new Sink();
  assert.ok(e instanceof EventEmitter);
  assert.equal(Object.hasOwn(e, '_events'), false);
  assert.equal(e.emit('close'), false);
  assert.equal(e.listenerCount('close'), 0);
  const seen: string[] = [];
  const onClose = (): void => {
    seen.push('close');
  };
  e.on('close', onClose);
  e.once('finish', () => seen.push('finish'));
  assert.equal(Object.hasOwn(e, '_events'), true);
  assert.equal(e.emit('finish'), true);
  assert.equal(e.emit('finish'), false);
  e.emit('close');
  e.off('close', onClose);
  assert.equal(e.emit('close'), false);
  assert.deepEqual(seen, ['finish', 'close']);
});

test('LazyEmitter: a Readable pipes into it (pipe adds its listeners on first use)', async () => {
  const sink = new Sink();
  const done = once(sink, 'finish');
  Readable.from([Buffer.from('a'), Buffer.from('b')]).pipe(sink as unknown as NodeJS.WritableStream);
  await done;
  assert.deepEqual(sink.chunks, ['a', 'b']);
});

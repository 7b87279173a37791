/**
 * A base class with EventEmitter's methods but not its constructor, for objects made once per request
 * that rarely get a listener (HttpResponse: only a streamed body or a proxied request listens). Node's
 * EventEmitter methods create the listener table on first use when the constructor did not (the
 * `util.inherits` pattern they still support), so a response pays for it only when someone listens;
 * `instanceof EventEmitter` holds and `stream.pipe()` into it works as into any emitter.
 */
import { EventEmitter } from 'node:events';

function LazyEmitterBase(): void {
  // nothing: the listener table appears with the first listener
}
LazyEmitterBase.prototype = EventEmitter.prototype;

/** EventEmitter without the per-instance constructor work (see the file header). */
export const LazyEmitter = LazyEmitterBase as unknown as typeof EventEmitter;

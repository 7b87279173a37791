import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamBinding } from './stream-binding.js';

// Node's stream handle classes are internals: if an update changes them the tunnel silently falls back
// to net.Socket (slower handshakes). This test makes such a change visible.
test('Node 20 offers the stream handles HandleStream uses', () => {
  assert.ok(streamBinding !== null, 'tcp_wrap / pipe_wrap / stream_wrap changed: net/stream-binding.ts needs a look');
  const tcp = streamBinding.newTcp();
  assert.equal(typeof tcp.connect, 'function');
  tcp.close(() => undefined);
});

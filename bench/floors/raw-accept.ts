/**
 * Handshake floor, libuv handles: the same cycle as net-accept.ts, with the accepted TCP handle
 * driven directly (src/net/stream-binding.ts, as tswstunnel's tunnels are after the upgrade) instead
 * of through a `net.Socket`. Prints `listening PORT`.
 */
import { streamBinding } from '../../src/net/stream-binding.js';
import { listenRaw, type AcceptedTcp } from './raw-listen.js';
import { CLOSE_FRAME, upgradeAnswer } from './upgrade-answer.js';

const b = streamBinding;
if (b === null) throw new Error('this Node has no usable stream binding');
const binding = b;
const buffer = new Uint8Array(64 * 1024);
const noop = (): void => undefined;

function serve(handle: AcceptedTcp): void {
  let upgraded = false;
  const close = (): void => handle.close(noop);
  handle.useUserBuffer(buffer);
  handle.onread = (): void => {
    const n = binding.state[binding.readBytesOrError] ?? -1;
    if (n < 0) {
      // the peer's FIN (or an error): finish our side, then close
      const req = binding.newShutdownReq(handle, close);
      if (handle.shutdown(req) < 0) close();
      return;
    }
    const reply = upgraded ? CLOSE_FRAME : upgradeAnswer(Buffer.from(buffer.buffer, 0, n).toString('latin1'));
    if (reply === null) {
      close();
      return;
    }
    upgraded = true;
    if (handle.writeLatin1String(binding.newWriteReq(handle, noop), reply) < 0) close();
  };
  handle.setNoDelay(true);
  if (handle.readStart() < 0) close();
}

listenRaw(serve);

/**
 * Base64Stream: the `base64` sub-protocol's client → backend decoding, as the bytes of a message
 * arrive. A message used to be collected whole and decoded at its end, so every connection could hold
 * an unfinished message of up to 256 MiB (eight clients held 1.7 GB); now each read is decoded at
 * once, up to its last complete group of four characters, and at most three characters wait for the
 * next read. The rules are those the whole-message check had: websockify's alphabet, whitespace
 * ignored, `=` only as one or two characters at the very end, a length that is a multiple of four. What is invalid is found in the read that has it; the bytes of the message
 * before it were already passed on (docs/compat.md).
 */

/** One byte per character code: 1 alphabet, 2 `=`, 3 whitespace, 0 invalid. */
const CLASS = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') CLASS[c.charCodeAt(0)] = 1;
CLASS[0x3d] = 2;
for (const c of '\r\n\t ') CLASS[c.charCodeAt(0)] = 3;

/** Decodes one client message after another (see the file header). */
export class Base64Stream {
  /** Characters of an incomplete group (0–3), carried to the next read. */
  #carry = '';
  /** `=` seen in this message: only more `=` may follow, two at most. */
  #pads = 0;

  /**
   * Decodes the next bytes of the current message (`last`: they end it). Answers the decoded bytes
   * (possibly empty), or null when the message is not valid base64.
   */
  push(bytes: Buffer, last: boolean): Buffer | null {
    let text = this.#carry;
    let clean = true;
    for (let i = 0; i < bytes.length; i++) {
      const k = CLASS[bytes[i] ?? 0];
      if (k === 1) {
        if (this.#pads > 0) return this.#fail();
      } else if (k === 2) {
        if (++this.#pads > 2) return this.#fail();
      } else if (k === 3) clean = false;
      else return this.#fail();
    }
    const chars = bytes.toString('latin1');
    text += clean ? chars : chars.replace(/[\r\n\t ]+/g, '');
    if (last) {
      const ok = text.length % 4 === 0;
      this.#carry = '';
      this.#pads = 0;
      return ok ? Buffer.from(text, 'base64') : null;
    }
    const whole = text.length - (text.length % 4);
    this.#carry = text.slice(whole);
    return whole === 0 ? EMPTY : Buffer.from(whole === text.length ? text : text.slice(0, whole), 'base64');
  }

  #fail(): null {
    this.#carry = '';
    this.#pads = 0;
    return null;
  }
}

const EMPTY = Buffer.alloc(0);

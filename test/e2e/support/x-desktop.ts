/**
 * A throw-away X desktop for the noVNC scenario: Xvfb on a free display, a root window painted a known
 * colour, one xterm running /bin/sh, and x11vnc serving it on 127.0.0.1:5900 as lighttpd's docs say.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, stopAll, type ManagedProcess } from './process.js';
import { assertPortFree, waitFor } from './wait.js';

const run = promisify(execFile);

/** The port examples/novnc.conf tunnels to (verbatim, so fixed). */
export const VNC_PORT = 5900;
/** Screen size of the virtual display. */
export const SCREEN = { width: 1024, height: 768 } as const;
/** The colour painted on the root window, as RGB bytes and as X's colour spec; the xterm's background is black. */
export const ROOT_RGB = [0x3a, 0x6e, 0xa5] as const;
/** The xterm's background colour (-bg black). */
export const XTERM_RGB = [0x00, 0x00, 0x00] as const;
const ROOT_SPEC = '#3a6ea5';
/** Where the xterm sits (character cells and pixel offset); the pointer goes inside it to type. */
export const XTERM_GEOMETRY = '80x24+40+40';
/** A point inside the xterm, in framebuffer pixels. */
export const XTERM_POINT = { x: 100, y: 60 } as const;
/** A point on the bare root window, well outside the xterm. */
export const ROOT_POINT = { x: SCREEN.width - 24, y: SCREEN.height - 24 } as const;

/** The running desktop; `stop()` ends every process and removes the scratch directory. */
export interface XDesktop {
  readonly display: string;
  /** A scratch directory the typed commands may write into. */
  readonly scratchDir: string;
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

/** Starts Xvfb (display number picked by Xvfb itself), paints it, opens an xterm, starts x11vnc on :5900. */
export async function startXDesktop(): Promise<XDesktop> {
  await assertPortFree(VNC_PORT, 'x11vnc (examples/novnc.conf tunnels to 127.0.0.1:5900)');
  const scratchDir = await mkdtemp(join(tmpdir(), 'tsw-e2e-x-'));
  const procs: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    await stopAll(procs);
    await rm(scratchDir, { recursive: true, force: true });
  };
  try {
    const display = await startXvfb(procs);
    const env = { ...process.env, DISPLAY: display, SHELL: '/bin/sh', HOME: scratchDir, ENV: '' };
    await run('xsetroot', ['-display', display, '-solid', ROOT_SPEC], { timeout: 10_000 });
    procs.push(
      await startProcess('xterm', 'xterm', ['-display', display, '-geometry', XTERM_GEOMETRY, '-bg', 'black', '-fg', 'white', '-e', '/bin/sh'], {
        env,
        cwd: scratchDir,
      }),
    );
    const x11vnc = await startProcess('x11vnc', 'x11vnc', ['-localhost', '-forever', '-display', display, '-rfbport', String(VNC_PORT)], { env });
    procs.push(x11vnc);
    await waitFor('x11vnc to greet on 127.0.0.1:5900', async () => {
      x11vnc.assertRunning();
      return (await readBanner(VNC_PORT)) ? true : undefined;
    }, 20_000, () => x11vnc.describe());
    return { display, scratchDir, processes: procs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Xvfb writes the display number it chose to fd 3 (-displayfd), which avoids guessing a free one.
 * -noreset: otherwise the server resets (root back to black) when xsetroot, its only client, disconnects.
 */
async function startXvfb(procs: ManagedProcess[]): Promise<string> {
  const xvfb = await startProcess('Xvfb', 'Xvfb', ['-displayfd', '3', '-screen', '0', `${SCREEN.width}x${SCREEN.height}x24`, '-nolisten', 'tcp', '-noreset'], {
    extraStdio: ['pipe'],
  });
  procs.push(xvfb);
  let written = '';
  const fd3 = xvfb.child.stdio[3];
  if (fd3 && 'on' in fd3) fd3.on('data', (b: Buffer) => (written += b.toString('utf8')));
  const num = await waitFor('Xvfb to report its display number', () => {
    xvfb.assertRunning();
    const m = /^(\d+)\n/.exec(written);
    return m?.[1];
  }, 15_000, () => xvfb.describe());
  return `:${num}`;
}

/** Resolves to true if a connection to the port yields an RFB protocol banner ("RFB 003.008\n"). */
function readBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let got = '';
    const timer = setTimeout(() => done(false), 2000);
    function done(ok: boolean): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    }
    sock.on('data', (b: Buffer) => {
      got += b.toString('latin1');
      if (got.length >= 12) done(got.startsWith('RFB '));
    });
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
  });
}

/**
 * Wire-level property test, "no crash, ever": one server (static files, a body echo, a `^/ws`
 * wstunnel route to a real TCP echo backend) gets generated and mutated bytes over real sockets —
 * HTTP/1 requests (wire-http.ts) and WebSocket upgrades followed by random frames (wire-ws.ts) —
 * with the client ending each connection in one of four ways (wait for the server, FIN, destroy,
 * reset) at a random point.
 *
 * Properties: nothing throws (no uncaught error, no handler failure in the logs); a connection the
 * client does not drop is closed by the server within its limits (never a hang); every answer is
 * well-formed HTTP/1.x up to a 101 and well-formed server frames after it; what comes back through
 * the tunnel is what a conforming server would send (echoed payload, pongs, the close code); and
 * afterwards the server's connection count, the tunnel count, the backend's open sockets and the
 * process's descriptors are back where they started.
 *
 * FUZZ_SEED=<n> replays a run (each connection's bytes come from the seed and its index, whatever
 * the timing); FUZZ_WIRE_RUNS=<n> changes the number of connections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../helpers/config-gen.js';
import { tcpBackend } from '../helpers/backends.js';
import { createBodyTestModule } from '../helpers/body-module.js';
import { openFdCount } from '../helpers/procs.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { readHttpAnswers, readServerFrames } from '../helpers/wire-check.js';
import { runWirePlan, type Ending, type WirePlan, type WireResult } from '../helpers/wire-conn.js';
import { httpBytes, mutateBytes } from '../helpers/wire-http.js';
import { encodeFrame, judgeFrames, randomFrames, type FrameVerdict } from '../helpers/wire-ws.js';
import { upgradeHead } from '../helpers/ws-raw.js';
import { createWstunnelModule } from '../../src/modules/wstunnel/index.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261203);
const RUNS = Number(process.env['FUZZ_WIRE_RUNS'] ?? 600);
/** Connections in flight at once. */
const PARALLEL = 24;
/** Longest a connection may stay open: the limits below plus their 1 s timers, with room for a busy machine. */
const BOUND_MS = 15_000;

/**
 * The server under test: limits of a few seconds, so that every stalled connection ends soon. The body
 * echo (a test module that reads the body in uri-clean) also gets requests with Upgrade headers: one
 * with a body is an ordinary request, one without is an upgrade candidate whose body is empty.
 */
const CONFIG = `server.modules = ("mod_indexfile", "mod_wstunnel", "mod_bodytest", "mod_staticfile")
server.max-read-idle = 2
server.max-keep-alive-idle = 1
server.max-write-idle = 2
server.max-request-size = 64
index-file.names = ("index.html")
$HTTP["url"] =~ "^/echo" { bodytest.mode = "echo" }
$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => @BACKEND@ )) ) }
`;
const FILES = { 'index.html': '<html>index</html>\n', 'file.txt': 'a static file\n', 'sub/a.bin': 'ü\x00\x01'.repeat(3000) };
/**
 * Log lines that mean a handler threw (the engine, the core and mod_wstunnel catch them, but they are
 * bugs). The echo module failing on a body the client cut off ("Premature close") is expected.
 */
const FAILURE_LOG = /handler failed|handling failed|internal error|response-start failed|request-done failed|\(response\.ts\) [^ ]+ [/*h][^ ]*: (?!Premature close$)/;

/** One generated connection and what to expect of it. */
interface WireCase {
  readonly kind: 'http' | 'ws';
  readonly plan: WirePlan;
  /** For an untouched upgrade sent whole: what a conforming server does with the frames. */
  readonly verdict: FrameVerdict | null;
  /** The negotiated encoding of that upgrade. */
  readonly encoding: 'text' | 'binary' | 'base64';
}

function split(rng: Rng, bytes: Buffer, pieces: number): Buffer[] {
  const cuts = Array.from({ length: pieces - 1 }, () => rng.int(bytes.length + 1)).sort((a, b) => a - b);
  return [0, ...cuts].map((c, i) => bytes.subarray(c, cuts[i] ?? bytes.length));
}

function ending(rng: Rng): Ending {
  const r = rng.next();
  return r < 0.35 ? 'wait' : r < 0.65 ? 'end' : r < 0.9 ? 'destroy' : 'reset';
}

function plan(rng: Rng, chunks: Buffer[], awaitHead: boolean): WirePlan {
  const how = ending(rng);
  const all = how === 'wait' || how === 'end' ? rng.chance(0.85) : rng.chance(0.3);
  return { chunks, awaitHead, stopAfter: all ? chunks.length : rng.int(chunks.length + 1), ending: how, pauseMs: rng.chance(0.2) ? 1 + rng.int(20) : 0 };
}

function httpCase(rng: Rng): WireCase {
  const bytes = httpBytes(rng);
  return { kind: 'http', plan: plan(rng, split(rng, bytes, 1 + rng.int(5)), false), verdict: null, encoding: 'text' };
}

function wsCase(rng: Rng): WireCase {
  const protocol = rng.pick([null, null, 'binary', 'base64', 'chat, binary', 'chat']);
  const path = rng.pick(['/ws', '/ws/x?y=1', '/wsa']);
  let head: Buffer = Buffer.from(upgradeHead(path, protocol === null ? {} : { 'Sec-WebSocket-Protocol': protocol }), 'latin1');
  const headMutated = rng.chance(0.1);
  if (headMutated) head = mutateBytes(rng, head);
  const frames = randomFrames(rng);
  let wire: Buffer = Buffer.concat(frames.map(encodeFrame));
  const framesMutated = rng.chance(0.1);
  if (framesMutated) wire = mutateBytes(rng, wire);
  const awaitHead = rng.chance(0.7);
  const chunks = awaitHead ? [head, ...split(rng, wire, 1 + rng.int(4))] : split(rng, Buffer.concat([head, wire]), 1 + rng.int(5));
  const p = plan(rng, chunks, awaitHead);
  const whole = !headMutated && !framesMutated && p.stopAfter === chunks.length;
  const encoding = protocol === 'base64' ? 'base64' : protocol?.includes('binary') ? 'binary' : 'text';
  return { kind: 'ws', plan: p, verdict: whole ? judgeFrames(frames, encoding === 'base64') : null, encoding };
}

function describe(i: number, c: WireCase): string {
  const p = c.plan;
  const sent = Buffer.concat(p.chunks.slice(0, p.stopAfter));
  return `seed ${SEED} connection ${i} (${c.kind}, ${p.ending} after ${p.stopAfter}/${p.chunks.length} chunks): sent ${JSON.stringify(sent.subarray(0, 400).toString('latin1'))}`;
}

/** The properties of one connection's outcome; throws with what went wrong. */
function check(c: WireCase, r: WireResult): void {
  const hungUp = c.plan.ending === 'destroy' || c.plan.ending === 'reset';
  if (!hungUp) assert.ok(!r.timedOut, `still open after ${BOUND_MS} ms`);
  const answers = readHttpAnswers(r.received, hungUp);
  if (c.verdict !== null && c.plan.ending === 'wait') assert.notEqual(answers.upgradedAt, null, 'a valid upgrade is answered with 101');
  if (answers.upgradedAt === null) return;
  const frames = readServerFrames(r.received, answers.upgradedAt, hungUp);
  const v = c.verdict;
  if (v === null || c.kind !== 'ws') return;
  assert.deepEqual(frames.pongs, v.pings.slice(0, frames.pongs.length), 'pongs answer the pings in order');
  if (c.encoding !== 'base64') assert.ok(v.forwarded.subarray(0, frames.data.length).equals(frames.data), 'echoed bytes are a prefix of the payload sent');
  if (c.plan.ending === 'wait') {
    assert.deepEqual(frames.close, v.close === 'none' ? 1001 : v.close, 'close code');
    assert.equal(frames.pongs.length, v.pings.length, 'every ping answered');
    if (v.close === 'none' && c.encoding !== 'base64') {
      // idle close: everything came back (a text tunnel may hold back an incomplete UTF-8 tail)
      assert.ok(v.forwarded.length - frames.data.length <= (c.encoding === 'text' ? 3 : 0), `echoed ${frames.data.length} of ${v.forwarded.length} bytes`);
    }
  } else if (c.plan.ending === 'end' && v.close !== 'none') {
    assert.deepEqual(frames.close, v.close, 'close code');
  }
}

test(`wire fuzz: ${RUNS} connections of mutated HTTP/1 requests and WebSocket frames never crash, hang or leak`, { timeout: 180_000 }, async (t) => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  t.after(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const tunnelLog: string[] = [];
  const wstunnel = createWstunnelModule({ log: (l) => tunnelLog.push(l) });
  const s = await startTestServer(t, CONFIG.replace('@BACKEND@', String(backend.port)), {
    files: FILES,
    modules: { mod_bodytest: createBodyTestModule, mod_wstunnel: () => wstunnel },
  });
  const warm = await rawRequest(s.port, 'GET /file.txt HTTP/1.0\r\n\r\n', { expect: 1 });
  assert.equal(warm.responses[0]?.status, 200);
  await waitFor(() => s.server.connectionCount === 0, 5000, 'warm-up connection closed');
  const fds0 = openFdCount();

  const started = Date.now();
  const failures: string[] = [];
  const counts = { http: 0, ws: 0, upgraded: 0, hungUp: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < RUNS && failures.length === 0) {
      const i = next++;
      const rng = new Rng((SEED + Math.imul(i + 1, 0x9e3779b1)) >>> 0);
      const c = rng.chance(0.45) ? httpCase(rng) : wsCase(rng);
      const r = await runWirePlan(s.port, c.plan, BOUND_MS);
      counts[c.kind]++;
      if (r.received.includes('HTTP/1.1 101 ')) counts.upgraded++;
      if (!r.serverClosed) counts.hungUp++;
      try {
        check(c, r);
      } catch (e) {
        failures.push(`${e instanceof Error ? e.message : String(e)}\n  on ${describe(i, c)}\n  got ${JSON.stringify(r.received.subarray(0, 600).toString('latin1'))}`);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const took = Date.now() - started;
  assert.deepEqual(failures, [], `seed ${SEED}`);

  const settled = (): boolean => s.server.connectionCount === 0 && wstunnel.tunnelCount === 0 && backend.open.size === 0 && openFdCount() <= fds0;
  await waitFor(settled, BOUND_MS, `seed ${SEED}: connections ${s.server.connectionCount}, tunnels ${wstunnel.tunnelCount}, backend sockets ${backend.open.size}, fds ${openFdCount()} (start ${fds0})`);
  assert.equal(openFdCount(), fds0, `seed ${SEED}: descriptors`);
  assert.ok(wstunnel.registry.hosts.every((h) => h.load === 0), `seed ${SEED}: backend load back to 0`);
  assert.deepEqual(uncaught, [], `seed ${SEED}: uncaught errors`);
  const failureLines = [...s.stderr().split('\n'), ...tunnelLog].filter((l) => FAILURE_LOG.test(l));
  assert.deepEqual(failureLines, [], `seed ${SEED}: handler failures`);
  const after = await rawRequest(s.port, 'GET /file.txt HTTP/1.0\r\n\r\n', { expect: 1 });
  assert.equal(after.responses[0]?.statusLine, 'HTTP/1.0 200 OK', 'the server still answers');
  t.diagnostic(`seed ${SEED}: ${RUNS} connections (${counts.http} http, ${counts.ws} ws, ${counts.upgraded} upgraded, ${counts.hungUp} dropped by the client) in ${took} ms; ${backend.accepted.length} backend connections`);
});

/**
 * Randomized differential test of per-request condition matching against the real lighttpd 1.4.69.
 *
 * fast-check generates, from a fixed seed, configs of condition chains over every condition field and
 * operator (test/helpers/cond-fuzz-arb.ts), each block making its match visible in the answer, and raw
 * requests that vary the Host, target, method, version and headers. Each config is served by both
 * servers (one start each), every request goes to both, and status, the block-carrying headers, Location,
 * Content-Type and Content-Length must agree. On a difference, fast-check shrinks the config and the
 * request list from the same seed (servers restarted only when the config changes), and the test fails
 * printing the smallest config and request that still differ.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { freePort, startLighttpd, type LighttpdInstance } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { configArb, renderBlocks, renderRequest, requestArb, type FuzzConfig, type FuzzRequest } from '../helpers/cond-fuzz-arb.js';

const SEED = 0x1469_c0d;
const CONFIGS = 12;
const MAX_REQUESTS_PER_CONFIG = 50;

const FILES: Readonly<Record<string, string>> = {
  'hello.txt': 'hello\n',
  'a/b.txt': 'b\n',
  'a/hello.txt': 'a hello\n',
  'b.txt': 'root b\n',
  'a b/x.txt': 'space\n',
  'A/b.txt': 'upper\n',
};

/** The whole config for one server: the blocks below a fixed global part. */
function configText(blocks: string, port: number | '@PORT@', docroot: string): string {
  return `server.modules = ( "mod_access", "mod_redirect", "mod_setenv", "mod_staticfile" )
server.document-root = "${docroot}"
server.bind = "127.0.0.1"
server.port = ${port}
server.tag = "g"
mimetype.assign = ( ".txt" => "text/plain" )
${port === '@PORT@' ? blocks : blocks.replaceAll('@PORT@', String(port))}
`;
}

const SHOWN = ['x-b', 'x-a', 'server', 'location', 'content-type', 'content-length'] as const;

function summary(r: RawResponse | undefined): string {
  if (!r) return 'no response';
  return [`${r.status}`, ...SHOWN.map((h) => `${h}=${r.header(h) ?? '-'}`)].join(' ');
}

/** Both servers running one config. */
interface Pair {
  readonly text: string;
  readonly ours: TestServer;
  readonly oracle: LighttpdInstance;
}

let current: Pair | null = null;

async function stopPair(): Promise<void> {
  if (!current) return;
  const p = current;
  current = null;
  await Promise.all([p.oracle.stop(), p.ours.server.close()]);
}

/** Starts both servers for the config (or keeps them, when it is the one running). */
async function pairFor(t: TestContext, config: FuzzConfig): Promise<Pair> {
  const blocks = renderBlocks(config);
  if (current?.text === blocks) return current;
  await stopPair();
  const port = await freePort();
  const ours = await startTestServer(t, configText(blocks, port, '@DOCROOT@'), { files: FILES });
  const oracle = await startLighttpd(t, configText(blocks, '@PORT@', ours.docroot), { dir: ours.dir });
  current = { text: blocks, ours, oracle };
  return current;
}

/** One answer compared. */
interface Outcome {
  readonly request: string;
  readonly want: string;
  readonly got: string;
}

async function ask(pair: Pair, r: FuzzRequest): Promise<Outcome> {
  const request = renderRequest(r);
  const opts = { expect: 1, head: [r.method === 'HEAD'] };
  const [a, b] = await Promise.all([rawRequest(pair.oracle.port, request, opts), rawRequest(pair.ours.port, request, opts)]);
  return { request, want: summary(a.responses[0]), got: summary(b.responses[0]) };
}

function describe(pair: Pair, o: Outcome): string {
  return `config:\n${pair.text}\nrequest:\n${o.request.trimEnd()}\n  lighttpd:   ${o.want}\n  tswstunnel: ${o.got}`;
}

const caseArb = fc.tuple(configArb, fc.array(requestArb, { minLength: 1, maxLength: MAX_REQUESTS_PER_CONFIG, size: 'max' }));

test('condition matching agrees with lighttpd 1.4.69 on random configs and requests', { timeout: 180_000 }, async (t) => {
  t.after(stopPair);
  const cases = fc.sample(caseArb, { seed: SEED, numRuns: CONFIGS });
  let total = 0;
  let agree = 0;
  let matched = 0;
  const diffs: string[] = [];
  for (const [config, requests] of cases) {
    const pair = await pairFor(t, config);
    for (const r of requests) {
      const o = await ask(pair, r);
      total++;
      if (o.want === o.got) agree++;
      else diffs.push(describe(pair, o));
      // the oracle showed some block's effect (a block number in a header, a redirect, a 403)
      if (/x-b=\d|x-a=\d|server=t|location=\/r|x\/b\d|^403/.test(o.want)) matched++;
    }
  }
  await stopPair();
  console.log(`conditions fuzz (seed ${SEED}): ${agree} of ${total} answers agree; ${matched} answers show a matching block`);
  // the generated blocks match some requests and not others, so agreement means something
  assert.ok(matched > total / 5 && matched < total, `${matched} of ${total} answers show a matching block`);
  if (diffs.length === 0) return;

  // shrink from the same seed: the smallest config and request list that still differ
  let smallest = '';
  const shrunk = await fc.check(
    fc.asyncProperty(caseArb, async ([config, requests]) => {
      const pair = await pairFor(t, config);
      for (const r of requests) {
        const o = await ask(pair, r);
        if (o.want !== o.got) {
          smallest = describe(pair, o);
          return false;
        }
      }
      return true;
    }),
    { seed: SEED, numRuns: CONFIGS, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false },
  );
  await stopPair();
  const note = shrunk.failed ? `shrunk in ${shrunk.numShrinks} steps` : 'not reproduced by the shrinker';
  assert.fail(`${diffs.length} of ${total} answers differ; smallest (${note}):\n${smallest}\n\nfirst of the unshrunk differences:\n${diffs.slice(0, 3).join('\n\n')}`);
});

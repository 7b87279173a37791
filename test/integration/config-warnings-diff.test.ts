/**
 * Differential: the modules' config warnings reach the error log when the server starts, as lighttpd
 * 1.4.69 writes them there (backends.md §1.1, §2, §6.5; wstunnel.md §2). tswstunnel printed them only
 * for -tt: a typo in `wstunnel.balance`, a host option written `max_procs` or an unknown `mode` fell back
 * to the default without a word in the log. Every warning line lighttpd logs for the config must be in
 * ours (its text after the source; lighttpd says `xxxxx.balance` where we name the key).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort } from '../helpers/backends.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const CONFIG = `server.modules += ( "mod_wstunnel", "mod_proxy", "mod_compress" )
wstunnel.server = ( "/ws" => ( ( "host" => "127.0.0.1", "port" => @CLOSED@, "max_procs" => 2, "mode" => "odd" ) ) )
wstunnel.balance = "Round-Robin"
proxy.server = ( "/p" => ( ( "host" => "127.0.0.1", "port" => @CLOSED@ ) ) )
proxy.balance = "rr"
compress.filetype = ( "text/plain" )
`;

/**
 * lighttpd's warning lines from the modules' config (gw_backend.c, mod_deflate.c), as the text we must
 * carry: no timestamp and source, no `WARNING: `, no `xxxxx.`.
 */
function warningTexts(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => /\((gw_backend|mod_deflate)\.c\.\d+\) /.test(l))
    .map((l) => l.replace(/^.*?\([^)]*\) /, '').replace(/^WARNING: /, '').replace(/^xxxxx\./, ''));
}

test('config warnings of mod_wstunnel, mod_proxy, backend hosts and mod_deflate are in the error log at start, as lighttpd 1.4.69', async (t) => {
  const config = CONFIG.replaceAll('@CLOSED@', String(await closedPort()));
  const ours = await startTestServer(t, config);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config}`, { dir: ours.dir });
  await waitFor(() => oracle.stderr().includes('DEPRECATED'), 5000, 'lighttpd’s warnings');
  const expected = warningTexts(oracle.stderr());
  assert.equal(expected.length, 5, `lighttpd's warnings:\n${oracle.stderr()}`);
  const log = ours.stderr();
  const missing = expected.filter((w) => !log.includes(w));
  console.log(`config warnings at start: ${expected.length - missing.length} of ${expected.length} of lighttpd's are in our error log`);
  assert.deepEqual(missing, [], `our error log:\n${log}`);
  // the balancers fell back to lighttpd's default, and said so with the key's name
  assert.match(log, /wstunnel\.balance has to be one of: .* but not: Round-Robin/);
  assert.match(log, /proxy\.balance has to be one of: .* but not: rr/);
});

/**
 * mod_extforward's _L_EXTFORWARD_ACTUAL_FOR / _L_EXTFORWARD_ACTUAL_PROTO (the connecting address and scheme
 * it replaced) are in the request environment only when mod_proxy is in `server.modules`, as lighttpd
 * 1.4.69 sets them; accesslog `%{…}e` shows them. Both servers get the same config and the same request
 * from a trusted 127.0.0.1; their access log lines must be equal, and the expected ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const REQUEST = 'GET /f.txt HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n';

function config(modules: string, name: string): string {
  return `server.modules = ( ${modules} )
extforward.forwarder = ( "127.0.0.1" => "trust" )
accesslog.filename = "@DIR@/access-${name}.log"
accesslog.format = "%h %{_L_EXTFORWARD_ACTUAL_FOR}e %{_L_EXTFORWARD_ACTUAL_PROTO}e %s"
`;
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'latin1').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

const SCENARIOS = [
  { modules: '"mod_extforward", "mod_accesslog"', want: '10.1.2.3 - - 200' },
  { modules: '"mod_extforward", "mod_proxy", "mod_accesslog"', want: '10.1.2.3 127.0.0.1 http 200' },
];

for (const sc of SCENARIOS) {
  test(`_L_EXTFORWARD_* environment with server.modules = (${sc.modules}): as lighttpd 1.4.69`, { timeout: 30_000 }, async (t) => {
    const ours = await startTestServer(t, config(sc.modules, 'ours'), { files: { 'f.txt': 'x' } });
    const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config(sc.modules, 'lighttpd')}`, { dir: ours.dir });
    assert.equal((await rawRequest(oracle.port, REQUEST)).responses[0]?.status, 200);
    assert.equal((await rawRequest(ours.port, REQUEST)).responses[0]?.status, 200);
    const theirsFile = join(ours.dir, 'access-lighttpd.log');
    const oursFile = join(ours.dir, 'access-ours.log');
    // lighttpd writes its buffered access log lines at the latest when it stops
    await oracle.stop();
    await waitFor(() => lines(theirsFile).length === 1 && lines(oursFile).length === 1, 3000, 'one access log line each');
    assert.deepEqual(lines(theirsFile), [sc.want], 'lighttpd');
    assert.deepEqual(lines(oursFile), [sc.want], 'tswstunnel');
  });
}

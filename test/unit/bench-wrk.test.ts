import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkBytes, parseWrkDuration, parseWrkReport } from '../../bench/wrk.js';

// A real `wrk -t1 -c8 -d1s --latency` report (wrk 4.1.0 against lighttpd), plus a failing run's lines.
const REPORT = `Running 1s test @ http://127.0.0.1:18311/a.txt
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.12ms   19.35ms  96.02ms   86.01%
    Req/Sec    77.64k    68.70k  155.23k    55.56%
  Latency Distribution
     50%   51.00us
     75%    3.58ms
     90%   39.72ms
     99%   81.66ms
  74123 requests in 1.10s, 11.67MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:  67342.73
Transfer/sec:     10.60MB
`;

test('wrk sizes and durations are converted (powers of 1024; microseconds)', () => {
  assert.equal(parseWrkBytes('10.60MB'), 10.6 * 1024 * 1024);
  assert.equal(parseWrkBytes('512.00KB'), 512 * 1024);
  assert.equal(parseWrkBytes('1.50GB'), 1.5 * 1024 ** 3);
  assert.equal(parseWrkBytes('17B'), 17);
  assert.ok(Number.isNaN(parseWrkBytes('lots')));
  assert.equal(parseWrkDuration('51.00us'), 51);
  assert.equal(parseWrkDuration('81.66ms'), 81660);
  assert.equal(parseWrkDuration('2.00s'), 2e6);
  assert.ok(Number.isNaN(parseWrkDuration('soon')));
});

test('a wrk report is parsed into rates, percentiles, errors and CPU', () => {
  const r = parseWrkReport(REPORT, 2, 50);
  assert.equal(r.requestsPerS, 67342.73);
  assert.equal(r.mbPerS, (10.6 * 1024 * 1024) / 1e6);
  assert.equal(r.p50us, 51);
  assert.equal(r.p99us, 81660);
  assert.equal(r.errors, 8);
  assert.equal(r.cpuPct, 25);
});

test('a report without figures gives NaN rates, not zeros', () => {
  const r = parseWrkReport('unable to connect to 127.0.0.1:1 Connection refused\n', 1, 0);
  assert.ok(Number.isNaN(r.requestsPerS));
  assert.ok(Number.isNaN(r.p50us));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnsibleOneline, parseFanoutStatus, parsePsshStatus, runsNote, toolRun, verdictOf, type ToolRun } from '../../bench/outcomes.js';
import { probeFigures, type Measured, type ProbeMeasurements } from '../../bench/probe-figures.js';
import { formatTable } from '../../bench/stats.js';

const HOSTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const allOk = (): ToolRun => toolRun(HOSTS, new Set(HOSTS), new Map());

test('parallel-ssh status lines: successes, failures with their reason, user@ dropped', () => {
  const r = parsePsshStatus(
    ['[1] 08:00:01 [SUCCESS] root@10.0.0.1', '[2] 08:00:02 [FAILURE] root@10.0.0.2 Exited with error code 255', 'Stderr: noise', '[3] 08:00:03 [FAILURE] 10.0.0.3 Timed out, Killed by signal 9'].join('\n'),
  );
  assert.deepEqual([...r.ok], ['10.0.0.1']);
  assert.equal(r.reasons.get('10.0.0.2'), 'Exited with error code 255');
  assert.equal(r.reasons.get('10.0.0.3'), 'Timed out, Killed by signal 9');
});

test('ansible oneline: rc=0 with the probe in the output is ok; a failed or unreachable host is not', () => {
  const r = parseAnsibleOneline(
    [
      '10.0.0.1 | CHANGED | rc=0 | (stdout) @@remlite meta\\nhostname=a\\n@@remlite end',
      '10.0.0.2 | CHANGED | rc=0 | (stdout) half an output',
      '10.0.0.3 | UNREACHABLE!: Failed to connect to the host via ssh: Connection refused',
      '10.0.0.4 | FAILED | rc=127 | (stdout)  (stderr) sh: not found',
    ].join('\n'),
    '@@remlite end',
  );
  assert.deepEqual([...r.ok], ['10.0.0.1']);
  assert.match(r.reasons.get('10.0.0.2')!, /CHANGED rc=0/);
  assert.match(r.reasons.get('10.0.0.3')!, /UNREACHABLE!.*Connection refused/);
  assert.match(r.reasons.get('10.0.0.4')!, /FAILED rc=127/);
});

test('fan-out status: "HOST RC" per host', () => {
  const r = parseFanoutStatus('10.0.0.1 0\n10.0.0.2 255\njunk line here\n');
  assert.deepEqual([...r.ok], ['10.0.0.1']);
  assert.equal(r.reasons.get('10.0.0.2'), 'ssh exited 255');
});

test('a host the tool never reported on is a failure, not a success', () => {
  const run = toolRun(HOSTS, new Set(['10.0.0.1']), new Map([['10.0.0.2', 'Exited with error code 255']]));
  assert.equal(run.failed.size, 2);
  assert.equal(run.failed.get('10.0.0.3'), 'no result from the tool');
});

test('notes: every host ok, or which failed and why', () => {
  assert.equal(runsNote([allOk(), allOk()]), 'every host ok (2 runs x 3 hosts)');
  const bad = toolRun(HOSTS, new Set(['10.0.0.1', '10.0.0.3']), new Map([['10.0.0.2', 'timeout']]));
  assert.equal(runsNote([allOk(), bad]), 'FAILED 1 of 6 host polls: run 2 10.0.0.2: timeout');
  assert.equal(runsNote([]), 'did not run');
});

test('the failure rule: any failed host of any tool fails the figure, whatever the number says', () => {
  const bad = toolRun(HOSTS, new Set(['10.0.0.1']), new Map());
  assert.equal(verdictOf([[allOk()], [allOk()]], true), 'PASS');
  assert.equal(verdictOf([[allOk()], [allOk()]], false), 'FAIL');
  assert.equal(verdictOf([[allOk()], [allOk()]], undefined), 'info');
  assert.equal(verdictOf([[allOk()], [allOk(), bad]], true), 'FAIL');
  assert.equal(verdictOf([[allOk()], [bad]], undefined), 'FAIL', 'an info row on a failed run fails too');
  assert.equal(verdictOf([[allOk()], []], true), 'FAIL', 'a side that did not run');
});

const cyc = (ms: number, cpuMs: number, hostCpuMs: number, run = allOk(), bytes = 30_000): Measured => ({ ms, cpuMs, hostCpuMs, bytes, run });

function measurements(over: Partial<ProbeMeasurements> = {}): ProbeMeasurements {
  return {
    hosts: 3,
    defaultParallel: 64,
    floor: [cyc(100, 90, NaN), cyc(110, 95, NaN), cyc(120, 99, NaN)],
    cold: [
      { parallel: 32, remlite: [cyc(900, 300, 600)], pssh: [cyc(2000, 1500, 650)] },
      { parallel: 64, remlite: [cyc(1000, 300, 600)], pssh: [cyc(3000, 1500, 650)] },
    ],
    psshBytesPerHost: 9000,
    warm: [{ parallel: 64, remlite: [cyc(115, 30, 100)], floor: [cyc(100, 90, NaN)], mux: [cyc(300, 120, 110)], ansible: [cyc(4000, 2000, 120)] }],
    negotiated: {},
    options: { openssh: '-F /dev/null', ansible: '-o ControlMaster=auto' },
    ...over,
  };
}

const row = (rows: ReturnType<typeof probeFigures>, prefix: string) => {
  const r = rows.find((x) => x.metric.startsWith(prefix));
  assert.ok(r, `no row starting with "${prefix}" in:\n${rows.map((x) => x.metric).join('\n')}`);
  return r;
};

test('speed-up rows: ratios of medians at the default concurrency on both sides, targets judged, no min of two configurations', () => {
  const rows = probeFigures(measurements());
  assert.equal(rows[0]!.metric, 'warm: remlite steady cycle / floor (maxConcurrent 64 = default)', 'the fair ratios come first');
  const floor = row(rows, 'warm: remlite steady cycle / floor');
  assert.equal(floor.samples[0], 115 / 100, 'against the floor runs taken in turn with it, not the start/middle/end ones');
  assert.equal(floor.verdict, 'PASS');
  const mux = row(rows, 'warm: OpenSSH ControlMaster fan-out -P 64 / remlite');
  assert.ok(Math.abs(mux.samples[0]! - 300 / 115) < 1e-9);
  assert.equal(mux.verdict, 'PASS');
  const cold = row(rows, 'cold: parallel-ssh -p 64 / remlite first cycle (64 = default)');
  assert.equal(cold.samples[0], 3);
  assert.equal(cold.verdict, 'FAIL', '3x is under the 5x target');
  assert.match(cold.note!, /target NOT met/);
  // The 32 point is shown, without a target, and not mixed into the default row.
  const c32 = row(rows, 'cold: parallel-ssh -p 32 / remlite first cycle (32)');
  assert.ok(Math.abs(c32.samples[0]! - 2000 / 900) < 1e-9);
  assert.equal(c32.verdict, 'info');
  // The same comparisons in CPU (tool + hosts; the floor has no hosts).
  assert.equal(row(rows, 'warm, in CPU: remlite / floor').samples[0], (30 + 100) / 90);
  assert.equal(row(rows, 'warm, in CPU: OpenSSH ControlMaster fan-out / remlite').samples[0], (120 + 110) / (30 + 100));
  assert.equal(row(rows, 'cold, in CPU: parallel-ssh / remlite').samples[0], (1500 + 650) / (300 + 600));
});

test('one failed host of one tool fails every ratio built on that run, and its own row names it', () => {
  const bad = toolRun(HOSTS, new Set(['10.0.0.1', '10.0.0.2']), new Map([['10.0.0.3', 'ssh exited 255']]));
  const m = measurements();
  m.warm[0]!.mux.push(cyc(290, 120, 110, bad));
  const rows = probeFigures(m);
  const mux = row(rows, 'warm: OpenSSH ControlMaster fan-out -P 64 / remlite');
  assert.equal(mux.verdict, 'FAIL');
  assert.match(mux.note!, /target met; a host failed/);
  assert.equal(row(rows, 'warm: remlite steady cycle / floor').verdict, 'PASS', 'rows not built on the failed run keep their verdict');
  const own = row(rows, 'warm: OpenSSH ControlMaster fan-out, xargs -P 64');
  assert.equal(own.verdict, 'FAIL');
  assert.match(own.note!, /FAILED 1 of 6 host polls: run 2 10\.0\.0\.3: ssh exited 255/);
});

test('why cold is slow: connect CPU per host on each side and the bound set by the hosts sharing the cores', () => {
  const rows = probeFigures(measurements());
  // remlite: (300 - 30) / 3 hosts; OpenSSH: (1500 - 120) / 3.
  assert.equal(row(rows, 'cold, per host: remlite connect+auth CPU').samples[0], 90);
  assert.equal(row(rows, 'cold, per host: OpenSSH connect+auth CPU').samples[0], 460);
  // (1500 + 650) / 600.
  assert.ok(Math.abs(row(rows, 'cold: the best ratio a client costing nothing').samples[0]! - 2150 / 600) < 1e-9);
  assert.equal(row(rows, 'cold: client CPU ratio').samples[0], 5);
});

test('why warm is what it is: the bound the hosts\' own share sets, per process and in the whole machine', () => {
  const m = measurements();
  const w = m.warm[0]!;
  w.remlite = [{ ...cyc(115, 30, 100), machine: { busyMs: 150, totalMs: 230 } }];
  w.mux = [{ ...cyc(300, 120, 110), machine: { busyMs: 260, totalMs: 600 } }];
  const rows = probeFigures(m);
  // (120 + 110) / 100: even a client costing nothing leaves the hosts' 100 ms.
  assert.equal(row(rows, "warm: the best ratio a client costing nothing could reach here (hosts' CPU").samples[0], 230 / 100);
  // 260 / (150 - 30).
  assert.equal(row(rows, "warm: the best ratio a client costing nothing could reach here (the whole machine's CPU)").samples[0], 260 / 120);
});

test('one connection at a time: per-connection rows for both clients, failing when a connection failed', () => {
  const one = (run: ToolRun): Measured => ({ ms: 300, cpuMs: 15, hostCpuMs: 36, run });
  const failed: ToolRun = { hosts: 1, failed: new Map([['10.0.0.1', 'connection 3: timeout: no SSH handshake']]) };
  const rows = probeFigures(measurements({ oneAtATime: { connections: 20, openssh: one({ hosts: 1, failed: new Map() }), ssh2: one(failed) } }));
  const ssh = row(rows, 'cold, one connection at a time (x20), per connection: OpenSSH ssh');
  assert.deepEqual([ssh.samples, ssh.toolCpuMs, ssh.hostCpuMs, ssh.verdict], [[300], [15], [36], 'info']);
  const ssh2 = row(rows, 'cold, one connection at a time (x20), per connection: remlite (ssh2)');
  assert.equal(ssh2.verdict, 'FAIL');
  assert.match(ssh2.note!, /connection 3: timeout/);
});

test('the table shows each tool CPU, host CPU and bytes per host per poll; parallel-ssh bytes come from its own count', () => {
  const rows = probeFigures(measurements());
  const pssh = row(rows, 'cold: parallel-ssh -p 64 (new ssh per host)');
  assert.equal(pssh.bytesPerHost, 9000);
  assert.deepEqual(pssh.toolCpuMs, [1500]);
  assert.equal(row(rows, 'warm: remlite steady cycle (maxConcurrent 64 = default)').bytesPerHost, 10_000);
  const table = formatTable(rows);
  assert.match(table.split('\n')[0]!, /tool cpu\s+host cpu\s+B\/host\/poll\s+verdict/);
  assert.match(table, /cold: parallel-ssh -p 64 \(new ssh per host\)\s.*1500 ms\s+650 ms\s+9000 B/);
  // Tables without such figures keep their old columns.
  assert.doesNotMatch(formatTable([{ metric: 'x', target: 'info', unit: 'ms', samples: [1], verdict: 'info' }]), /tool cpu/);
});

test('parallel-ssh bytes without its own count: shown as not known, with why, never its sockets\' counters (they close inside its run)', () => {
  const m = measurements({ psshBytesPerHost: undefined, psshBytesMissing: '198 of 200 hosts\' stderr held OpenSSH\'s "Transferred:" line' });
  const rows = probeFigures(m);
  for (const c of m.cold) {
    const pssh = row(rows, `cold: parallel-ssh -p ${c.parallel} (new ssh per host)`);
    assert.ok(Number.isNaN(pssh.bytesPerHost), `${pssh.metric}: ${pssh.bytesPerHost}`);
    assert.match(pssh.note!, /bytes not known: 198 of 200 hosts' stderr held OpenSSH's "Transferred:" line/);
  }
  assert.match(formatTable(rows), /cold: parallel-ssh -p 64 \(new ssh per host\)\s.*1500 ms\s+650 ms\s+-\s+info/);
});

// Remote logging: the probe's logfwd section (parser), the sender-side detector and the log host
// as the likely cause across the fleet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, fleetCauseFindings, logHostCauseFindings } from '../../src/matrix/index.js';
import { detectRemoteLoggingBroken } from '../../src/matrix/remote-logging-broken.js';
import type { HostProbe, LogForwardTarget, Machine, PollResult, ServiceStatus } from '../../src/model/index.js';
import { forwardTargets, parseLogForwarding, parseLogSenders } from '../../src/probe/parse-logfwd.js';
import { buildProbeScript } from '../../src/probe/script.js';

const machine = (id: string, address: string): Machine => ({
  id, name: id, provider: 'datacenter', site: 's', pool: 'p', role: '', services: [], logs: [], origin: 't',
  ssh: { host: address, port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
});
const probe = (logForwarding?: LogForwardTarget[], services: ServiceStatus[] = []): HostProbe => ({
  hostname: 'h', remoteTimeMs: 0, uptimeSec: 1, load1: 0, load5: 0, load15: 0, cpus: 1, memTotalBytes: 1, memAvailableBytes: 1,
  swapTotalBytes: 0, swapFreeBytes: 0, kernel: 'k', init: 'systemd', volumes: [], services, warnings: [], ...(logForwarding ? { logForwarding } : {}),
});
const poll = (id: string, fwd?: LogForwardTarget[], services: ServiceStatus[] = []): PollResult => ({ machineId: id, at: 0, reach: 'ok', probe: probe(fwd, services) });
const tcp = (states: string[]): LogForwardTarget => ({ host: '10.0.0.6', port: 514, protocol: 'tcp', states });

test('forwardTargets: omfwd actions and legacy @@/@ selectors; hostile targets are dropped', () => {
  assert.deepEqual(forwardTargets('*.* action(type="omfwd" target="10.0.0.6" port="514" protocol="tcp" name="x"'), [{ host: '10.0.0.6', port: 514, protocol: 'tcp' }]);
  assert.deepEqual(forwardTargets('action(type="omfwd" Target="logs.example.org")'), [{ host: 'logs.example.org', port: 514, protocol: 'udp' }]);
  assert.deepEqual(forwardTargets('*.* @@loghost:10514'), [{ host: 'loghost', port: 10514, protocol: 'tcp' }]);
  assert.deepEqual(forwardTargets('auth.* @(z9)loghost'), [{ host: 'loghost', port: 514, protocol: 'udp' }]);
  assert.deepEqual(forwardTargets('action(type="omfwd" target="$(reboot)" protocol="tcp")'), []);
  assert.deepEqual(forwardTargets('*.* @@host:99999'), []);
});

test('parseLogForwarding: as root only the rows naming a process count (a shared network namespace shows other hosts\' sockets)', () => {
  const conf = 'conf *.* action(type="omfwd" target="127.77.6.6" port="514" protocol="tcp"';
  const rows = [
    'conn CLOSE-WAIT 1 0 127.0.0.1:58510 127.77.6.6:514',
    'conn ESTAB 0 0 127.0.0.1:52348 127.77.6.6:514 users:(("rsyslogd",pid=202,fd=9))',
    'conn ESTAB 0 0 127.0.0.1:52350 127.77.6.9:514 users:(("rsyslogd",pid=202,fd=10))',
  ];
  const w: string[] = [];
  assert.deepEqual(parseLogForwarding(['uid=0', conf, ...rows], (x) => w.push(x)), [{ host: '127.77.6.6', port: 514, protocol: 'tcp', states: ['ESTAB'] }]);
  assert.deepEqual(parseLogForwarding(['uid=0', conf, rows[0]!], (x) => w.push(x))[0]?.states, [], 'another host\'s socket is not ours');
  assert.deepEqual(parseLogForwarding(['uid=1000', conf, rows[0]!], (x) => w.push(x))[0]?.states, ['CLOSE-WAIT'], 'without root every row counts');
  assert.deepEqual(parseLogForwarding(['uid=0', 'conn garbage', 'what'], (x) => w.push(x)), []);
  assert.equal(w.length, 2);
});

test('parseLogSenders: one sender per file of the log host with its last write; other names are warnings', () => {
  const w: string[] = [];
  assert.deepEqual(parseLogSenders(['1700000000 /var/log/remote/lab-web1.log', '1700000100 /var/log/remote/db.example.org.log', '17 /var/log/remote/x y.log', 'garbage'], (x) => w.push(x)), [
    { sender: 'lab-web1', lastSeenMs: 1_700_000_000_000 },
    { sender: 'db.example.org', lastSeenMs: 1_700_000_100_000 },
  ]);
  assert.equal(w.length, 2);
  assert.match(buildProbeScript([]), /stat -c '%Y %n' -- \/var\/log\/remote\/\*\.log/);
});

test('the probe script lists rsyslog forwarding lines and ss rows of syslog ports only when rsyslog forwards', () => {
  const s = buildProbeScript([]);
  assert.match(s, /section logfwd\n/);
  assert.match(s, /ss -Htanp '\( dport = :514 or dport = :601 or dport = :6514 or dport = :10514 \)'/);
});

test('detector: a TCP target without ESTAB is a warning offering service.restart rsyslog; the stopped forwarder is named; UDP and ESTAB are quiet', () => {
  const m = machine('web1', '10.0.0.1');
  const run = (p: PollResult) => detectRemoteLoggingBroken({ machine: m, poll: p, now: 0, thresholds: DEFAULT_THRESHOLDS });
  assert.deepEqual(run(poll('web1', [tcp(['ESTAB', 'CLOSE-WAIT']), { host: 'x', port: 514, protocol: 'udp', states: [] }])), []);
  const [f] = run(poll('web1', [tcp([])], [{ name: 'rsyslog', active: 'inactive', sub: 'dead', load: 'loaded', init: 'systemd' }]));
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.summary, 'logs not reaching 10.0.0.6:514 (no connection)');
  assert.equal(f?.subject, '10.0.0.6:514');
  assert.ok(f?.evidence.some((e) => e.includes('rsyslog is inactive')));
  assert.deepEqual(f?.repairs.map((r) => [r.action, r.params]), [['service.restart', { service: 'rsyslog' }]]);
  assert.equal(run(poll('web1', [tcp(['CLOSE-WAIT'])]))[0]?.summary, 'logs not reaching 10.0.0.6:514 (closed by the log host)');
});

test('log host side: blamed only when two or more senders forward to it and none gets through', () => {
  const log = machine('log1', '10.0.0.6');
  const hosts = (a: string[], b: string[]) => [
    { machine: machine('web1', '10.0.0.1'), last: poll('web1', [tcp(a)]) },
    { machine: machine('web2', '10.0.0.2'), last: poll('web2', [tcp(b)]) },
    { machine: log, last: { ...poll('log1'), probe: { ...probe(), remoteTimeMs: 1_700_000_060_000, logSenders: [{ sender: 'web1', lastSeenMs: 1_700_000_000_000 }] } } },
  ];
  const out = logHostCauseFindings(hosts([], ['CLOSE-WAIT']));
  const [f] = out.get('log1') ?? [];
  assert.equal(f?.severity, 'critical');
  assert.equal(f?.summary, 'likely cause: logs of 2 hosts do not arrive on port 514 here');
  assert.equal(f?.evidence[0], 'no established connection from: web1, web2');
  assert.equal(f?.evidence[1], 'web1: last message 60s ago', 'the log host\'s own last-seen per sender');
  assert.equal(logHostCauseFindings(hosts([], ['ESTAB'])).size, 0, 'one sender down is that sender\'s problem');
  assert.equal(logHostCauseFindings(hosts([], [])).size, 1);
  assert.equal(fleetCauseFindings(hosts([], [])).get('log1')?.length, 1, 'combined with the file-server causes');
  assert.equal(logHostCauseFindings(hosts([], []).slice(0, 2)).size, 0, 'a log host outside the fleet');
});

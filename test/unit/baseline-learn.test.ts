// What an accept learns by itself (learn-parse.ts): running units and the sockets their processes
// listen on, from the capture's @@L section. The host may lie: names and addresses are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFFILES_NOT_LEARNED, connectAddress, parseLearned } from '../../src/baseline/learn-parse.js';
import { learnScript, MAX_LEARNED_SOCKETS } from '../../src/baseline/learn-script.js';
import { parseCapture } from '../../src/baseline/capture-parse.js';
import { baselineProblem } from '../../src/baseline/store.js';

const REAL = [
  'U Id=apache2.service', 'U UnitFileState=enabled', 'U Transient=no', 'U ',
  'U Id=cron.service', 'U UnitFileState=enabled', 'U Transient=no', 'U ',
  'U Id=user@0.service', 'U UnitFileState=static', 'U Transient=no', 'U ',
  'U Id=run-u12.service', 'U UnitFileState=transient', 'U Transient=yes', 'U ',
  'U Id=ssh.service', 'U UnitFileState=enabled', 'U Transient=no',
  'S tcp 127.77.5.2:22 users:(("sshd",pid=76,fd=3))',
  'S http 127.77.5.2:80 users:(("apache2",pid=86,fd=3),("apache2",pid=83,fd=3))',
  'S http [::]:80 users:(("apache2",pid=83,fd=4))',
  'S tcp 0.0.0.0:9999 users:(("sleeper",pid=500,fd=3))',
  'C 76 /remlite-lab-5/lab-web2/system.slice/ssh.service',
  'C 83 /remlite-lab-5/lab-web2/system.slice/apache2.service',
  'C 86 /system.slice/apache2.service/worker',
  'C 500 /user.slice/user-0.slice/session-3.scope',
];

test('running units are learned without transient and per-login units; sockets belong to the unit of their process', () => {
  const l = parseLearned(REAL);
  assert.deepEqual(l.units, ['apache2.service', 'cron.service', 'ssh.service']);
  assert.deepEqual(l.sockets, [
    { unit: 'apache2.service', address: '::1', port: 80, protocol: 'http' },
    { unit: 'apache2.service', address: '127.77.5.2', port: 80, protocol: 'http' },
    { unit: 'ssh.service', address: '127.77.5.2', port: 22, protocol: 'tcp' },
  ], 'sorted; the session process listening on 9999 belongs to no running unit: not learned');
});

test('listening addresses map to what the probe connects to; anything else is refused', () => {
  assert.deepEqual(connectAddress('*:80'), { address: '127.0.0.1', port: 80 });
  assert.deepEqual(connectAddress('0.0.0.0:25'), { address: '127.0.0.1', port: 25 });
  assert.deepEqual(connectAddress('[::]:22'), { address: '::1', port: 22 });
  assert.deepEqual(connectAddress('127.0.0.53%lo:53'), { address: '127.0.0.53', port: 53 });
  assert.equal(connectAddress('127.0.0.1:0'), undefined);
  assert.equal(connectAddress('127.0.0.1:99999'), undefined);
  assert.equal(connectAddress("$(reboot):80"), undefined);
  assert.equal(connectAddress('example.com:80'), undefined);
});

test('a lying host: unit names with shell or option syntax, forged cgroups and endless lists are dropped or capped', () => {
  const lies = [
    'U Id=-x.service', 'U ', 'U Id=a;reboot.service', 'U ', 'U Id=$(id).service', 'U ', 'U Id=ok.service', 'U ',
    'C 1 /system.slice/a;reboot.service',
    'S tcp 127.0.0.1:1 users:(("x",pid=1,fd=3))',
    ...Array.from({ length: 100 }, (_, i) => `S tcp 127.0.0.1:${1000 + i} users:(("ok",pid=2,fd=3))`),
    'C 2 /system.slice/ok.service',
    'X ss is missing\u001b[31m',
  ];
  const l = parseLearned(lies);
  assert.deepEqual(l.units, ['ok.service']);
  assert.equal(l.sockets.length, MAX_LEARNED_SOCKETS);
  assert.ok(l.sockets.every((k) => k.unit === 'ok.service'));
  // (No package verify lines in this capture: its own note says so.)
  assert.deepEqual(l.notes?.filter((n) => n !== CONFFILES_NOT_LEARNED).map((n) => /\u001b/.test(n)), [false], 'notes are sanitized');
});

test('the capture parser reads the learned section only when the plan asked for it, and only when it ended', () => {
  const out = ['@@L', ...REAL, '@@LE', '@@END', ''].join('\n');
  const plan = { files: [], modules: false, databases: [], skipped: [], learn: true };
  assert.deepEqual(parseCapture(plan, out).learned?.units, ['apache2.service', 'cron.service', 'ssh.service']);
  assert.equal(parseCapture({ ...plan, learn: false }, out).learned, undefined);
  assert.equal(parseCapture(plan, ['@@L', ...REAL].join('\n')).learned, undefined, 'cut short: nothing learned');
  assert.match(learnScript(), /ss -ltnpH/);
});

test('a stored baseline with a forged learned part is refused on load', () => {
  const base = { machineId: 'a', acceptedAt: 'x', acceptedBy: 'y', files: {}, modules: [], databases: {} };
  assert.equal(baselineProblem(base), undefined, 'older baselines have no learned part');
  assert.equal(baselineProblem({ ...base, learned: { units: ['cron.service'], sockets: [{ unit: 'cron.service', address: '127.0.0.1', port: 80, protocol: 'http' }] } }), undefined);
  assert.match(baselineProblem({ ...base, learned: { units: ['x;reboot.service'], sockets: [] } }) ?? '', /learned.units/);
  assert.match(baselineProblem({ ...base, learned: { units: [], sockets: [{ unit: 'a.service', address: '$(id)', port: 80, protocol: 'tcp' }] } }) ?? '', /learned.sockets/);
  assert.match(baselineProblem({ ...base, learned: { units: [], sockets: [{ unit: 'a.service', address: '::1', port: 0, protocol: 'tcp' }] } }) ?? '', /learned.sockets/);
});

test('log files held open by running units are learned with their stat; other paths, journald files and lying stats are not', () => {
  const l = parseLearned([
    'U Id=rsyslog.service', 'U ', 'U Id=systemd-journald.service', 'U ',
    'F rsyslog.service /var/log/syslog', 'G 640 root adm /var/log/syslog',
    'F rsyslog.service /var/log/auth.log', 'G 640 root adm /var/log/auth.log',
    'F rsyslog.service /etc/shadow', 'G 640 root shadow /etc/shadow',
    'F rsyslog.service /var/log/../../etc/passwd', 'G 644 root root /var/log/../../etc/passwd',
    'F systemd-journald.service /var/log/journal/x/system.journal', 'G 640 root systemd-journal /var/log/journal/x/system.journal',
    'F cron.service /var/log/cron.log', 'G 640 root adm /var/log/cron.log',
    'F rsyslog.service /var/log/mail.log', 'G 640 $(id) adm /var/log/mail.log',
    'F rsyslog.service /var/log/link.log',
  ]);
  assert.deepEqual(l.logs, [
    { unit: 'rsyslog.service', path: '/var/log/syslog' },
    { unit: 'rsyslog.service', path: '/var/log/auth.log' },
  ], 'cron is not a running unit; mail.log has a forged owner; link.log had no stat (not a regular file)');
  assert.deepEqual(l.logStats, { '/var/log/syslog': { mode: '0640', owner: 'root', group: 'adm' }, '/var/log/auth.log': { mode: '0640', owner: 'root', group: 'adm' } });
});

test('databases of a local server are learned with their tables; system schemas and unsafe names are not', () => {
  const l = parseLearned(['D remlite_found', 'D mysql', 'D bad-name', 'D empty_db', 'T remlite_found\tpages', 'T remlite_found\ttags', 'T remlite_found\tx;drop', 'T mysql\tuser', 'T other\tt']);
  assert.deepEqual(l.databases, ['remlite_found', 'empty_db']);
  assert.deepEqual(l.tables, { remlite_found: ['pages', 'tags'], empty_db: [] });
});

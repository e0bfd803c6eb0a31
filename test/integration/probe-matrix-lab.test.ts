// The check sections of the probe on a real MariaDB host of the lab (lab-db1), and the failure
// matrix over what it reports. Read-only on the host: the one broken config is a temp file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, detectAll } from '../../src/matrix/index.js';
import { CONFFILES_SUBJECT } from '../../src/matrix/conffile-drift.js';
import { NO_CHECKS, type Finding, type HostBaseline, type HostChecks, type HostProbe, type Machine } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { isLabSkip, labExec, labInfo } from '../support/lab.js';

const lab = labInfo();
const HOST = 'lab-db1';
const BAD_CNF = '/tmp/remlite-probe-matrix-bad.cnf';
const skip = isLabSkip(lab) ? lab.skip : !lab.hosts.some((h) => h.name === HOST) ? `${HOST} is not in the lab` : false;

const CHECKS: HostChecks = {
  ...NO_CHECKS,
  configs: [
    { path: '/etc/mysql/my.cnf', service: 'mariadb' },
    { path: BAD_CNF, service: 'remlite-badcnf', test: `my_print_defaults --defaults-file=${BAD_CNF} --mysqld` },
  ],
  permFiles: ['/etc/mysql/mariadb.cnf'],
  modules: ['remlite_surely_not_loaded'],
  databases: [{ engine: 'mysql', name: 'mysql' }],
};

function machine(): Machine {
  return { id: HOST, name: HOST, provider: 'datacenter', site: 'lab', pool: 'db', role: '', services: ['mariadb'], logs: [], origin: 'lab', checks: CHECKS };
}

async function probeDb1(): Promise<HostProbe> {
  const r = await labExec(HOST, buildProbeScript(['mariadb'], CHECKS));
  assert.equal(r.code, 0, r.stderr);
  const parsed = parseProbeOutput(r.stdout);
  if (!parsed.ok) assert.fail(parsed.error);
  return parsed.probe;
}

test('on lab-db1: files, mariadb config test, the mysql schema and an absent module parse right', { skip }, async () => {
  const prepared = await labExec(HOST, `printf 'not an option file\\n[mysqld]\\nport=3306\\n' > ${BAD_CNF}`);
  assert.equal(prepared.code, 0, prepared.stderr);
  try {
    const p = await probeDb1();
    // Debian's my.cnf is a symlink (alternatives): reported as the link itself, never followed.
    const expected = await labExec(HOST, "readlink /etc/mysql/my.cnf; stat -c '%a %U %G %s' /etc/mysql/my.cnf; stat -L -c '%a %U %G %s' /etc/mysql/mariadb.cnf");
    const [target, statMy, statMariadb] = expected.stdout.trim().split('\n');
    const [mode, owner, group, size] = (statMy ?? '').split(' ');
    const my = p.files?.find((f) => f.path === '/etc/mysql/my.cnf');
    assert.deepEqual(my, {
      path: '/etc/mysql/my.cnf', exists: true, kind: 'link', mode: mode!.padStart(4, '0'), owner, group, size: Number(size), linkTarget: target,
    });
    const perm = p.files?.find((f) => f.path === '/etc/mysql/mariadb.cnf');
    assert.equal(perm?.mode, statMariadb!.split(' ')[0]!.padStart(4, '0'));
    assert.equal(perm?.sha256, undefined, 'permission-watched files are not checksummed');

    const mariadbTest = p.configTests?.find((t) => t.service === 'mariadb');
    assert.deepEqual(mariadbTest && { command: mariadbTest.command, ok: mariadbTest.ok }, { command: 'my_print_defaults --mysqld', ok: true });
    const bad = p.configTests?.find((t) => t.service === 'remlite-badcnf');
    assert.equal(bad?.ok, false);
    assert.match(bad!.output, /Found option without preceding group/);

    const mysql = p.databases?.find((d) => d.name === 'mysql');
    assert.equal(mysql?.ok, true, mysql?.error);
    for (const t of ['user', 'db', 'tables_priv']) assert.ok(mysql!.tables.includes(t), `mysql.${t} listed`);
    assert.deepEqual(p.modules, [], 'the absent module is not reported as loaded');
    // /sys/fs/ext4 is the kernel's: another suite on this machine may have a damaged ext4 mounted
    // in its own namespace. None of this host's filesystems has errors.
    assert.ok(Array.isArray(p.fsErrors), 'the fserrors section was read');
    assert.deepEqual(p.fsErrors.filter((e) => p.volumes.some((v) => v.device.split('/').pop() === e.device)), []);

    // The matrix over this real probe: without a baseline, the info finding, the failing config
    // test and the absent module, which the lab hosts (no /lib/modules) cannot tell missing from
    // built in: info, not critical; with a baseline taken from this very probe, no drift.
    const poll = { machineId: HOST, at: p.remoteTimeMs, reach: 'ok' as const, latencyMs: 0, probe: p };
    const now = p.remoteTimeMs;
    // The package verify runs in the background on the host: whether its result is in this probe
    // depends on timing, and what it finds is the lab's own set-up. It is info either way, apart here.
    const packageVerify = (fs: Finding[]): Finding[] => {
      const pkg = fs.filter((f) => f.subject === CONFFILES_SUBJECT);
      assert.ok(pkg.every((f) => f.class === 'config-drift' && f.severity === 'info'), JSON.stringify(pkg));
      return fs.filter((f) => f.subject !== CONFFILES_SUBJECT);
    };
    const noBase = packageVerify(detectAll({ machine: machine(), poll, now, thresholds: DEFAULT_THRESHOLDS })).map((f) => `${f.class} ${f.severity}`);
    assert.deepEqual(noBase.sort(), ['config-drift info', 'config-test-failed critical', 'module-missing info']);
    const baseline: HostBaseline = {
      machineId: HOST, acceptedAt: new Date(now).toISOString(), acceptedBy: 'test', modules: [],
      // As accept takes it: a symlink is never accepted (the capture refuses it).
      files: Object.fromEntries(p.files!.filter((f) => f.kind !== 'link').map((f) => [f.path, { kind: 'config' as const, sha256: f.sha256, mode: f.mode, owner: f.owner, group: f.group, copy: f.sha256 }])),
      databases: { mysql: { tables: [...mysql!.tables, 'remlite_dropped'], dump: 'mysql-x.sql' } },
    };
    const withBase = packageVerify(detectAll({ machine: machine(), poll, now, thresholds: DEFAULT_THRESHOLDS, baseline }));
    assert.deepEqual(withBase.map((f) => `${f.class} ${f.subject ?? ''}`).sort(), [
      'config-test-failed remlite-badcnf',
      'db-tables-missing mysql',
      'module-missing remlite_surely_not_loaded',
    ]);
    assert.deepEqual(withBase.find((f) => f.class === 'module-missing')?.repairs, [], 'cannot tell: no modprobe offered');
    assert.deepEqual(p.modulesUnknown, ['remlite_surely_not_loaded']);
  } finally {
    await labExec(HOST, `rm -f ${BAD_CNF}`);
  }
});

import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { planAction, type PlanExtras } from '../../src/actions/planner.js';
import { DEFAULT_CLEANUP_MIN_AGE_DAYS, summarizeCleanupPreview } from '../../src/actions/catalogue/disk-cleanup.js';
import { SETTINGS_DEFAULTS } from '../../src/persist/settings.js';
import type { HostState } from '../../src/store/index.js';
import type { HostBaseline, HostProbe, Machine, VolumeStatus } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';
import { restoreConfigRepair } from '../../src/matrix/declared.js';
import { dataRestoreWording } from '../../src/util/repair-wording.js';

const HOSTILE = "/srv/data/it's $(x).db";
const SHA = 'c'.repeat(64);

function vol(mount: string, device = '/dev/vdb'): VolumeStatus {
  return { mount, device, fstype: 'ext4', sizeBytes: 100, usedBytes: 99, availBytes: 1, inodesTotal: 10, inodesUsed: 1, readOnly: false };
}

function probe(extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname: 'web1', remoteTimeMs: 0, uptimeSec: 1, load1: 0, load5: 0, load15: 0, cpus: 1, memTotalBytes: 1, memAvailableBytes: 1,
    swapTotalBytes: 0, swapFreeBytes: 0, kernel: '', init: 'systemd', volumes: [vol('/', '/dev/vda1'), vol('/srv/data')], services: [], warnings: [],
    ...extra,
  };
}

function host(over: Partial<Machine> = {}, extra: Partial<HostState> = {}): HostState {
  const machine: Machine = {
    id: 'web1', name: 'web1', provider: 'datacenter', site: 'dc1', pool: 'web', role: '', services: ['apache2'], logs: [], origin: 'inv:3',
    ssh: { host: '127.0.0.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
    checks: { ...NO_CHECKS, configs: [{ path: '/etc/apache2/apache2.conf', service: 'apache2' }, { path: '/etc/nginx/nginx.conf', service: 'nginx', test: 'nginx -t -q' }], cleanupPaths: ['/srv/data/tmp', '/srv/data/cache'] },
    ...over,
  };
  return { machine, findings: [], severity: 'ok', probe: probe(), ...extra };
}

const BASELINE: HostBaseline = {
  machineId: 'web1',
  acceptedAt: '2025-05-01T10:00:00.000Z',
  acceptedBy: 'ops@desk',
  files: {
    '/etc/apache2/apache2.conf': { kind: 'config', sha256: SHA, copy: SHA, mode: '0644', owner: 'root', group: 'root', size: 7178 },
    '/etc/nginx/nginx.conf': { kind: 'config', sha256: SHA, copy: SHA, mode: '0644', owner: 'root', group: 'root', size: 10 },
    [HOSTILE]: { kind: 'data', sha256: SHA, copy: SHA, mode: '0640', owner: 'mysql', group: 'mysql', size: 65536 },
    '/var/log/apache2/error.log': { kind: 'log', mode: '0640', owner: 'root', group: 'adm', size: 10 },
  },
  modules: [],
  databases: {},
};

const extras: PlanExtras = { baseline: BASELINE, hasCopy: () => true, newestDump: () => undefined };
const plan = (action: string, params: Record<string, string>, h = host(), x = extras) => planAction({ action, machineId: 'web1', params }, h, false, x);
const cmd = (r: ReturnType<typeof planAction>) => {
  assert.ok('plan' in r, 'refused' in r ? r.refused : '');
  return r.plan.command;
};
const refused = (r: ReturnType<typeof planAction>) => ('refused' in r ? r.refused : '(planned)');

/** The on-host steps a file repair runs before changing anything, as the shell sees them. */
function guarded(dir: string, owner = 'root'): string {
  return (
    `{ { cd -P -- ${dir}; } || { printf '%s\\n' 'remlite: precondition failed: ${dir} exists and is a directory' >&2; exit 3; }; } && ` +
    `{ { d=$(stat -c '%u:%U:%a' .) && case "$d" in 0:*|*:${owner}:*|${owner}:*) ;; *) false ;; esac && [ $(( 0\${d##*:} & 022 )) -eq 0 ]; } || ` +
    `{ printf '%s\\n' 'remlite: precondition failed: ${dir} is a directory owned by root${owner === 'root' ? '' : ` or ${owner}`} and writable by no one else' >&2; exit 3; }; }`
  );
}

test('config.restore: guards on the host, the copy staged beside the config, then one detached transaction (test, reload, is-active, or roll back)', () => {
  const r = plan('config.restore', { path: '/etc/apache2/apache2.conf', service: 'apache2' });
  const c = cmd(r);
  assert.ok(c.startsWith(`( ${guarded('/etc/apache2')} && { { [ ! -L ./apache2.conf ]`), c);
  assert.ok(
    c.includes(
      "{ { [ -d /etc/apache2 ] && [ ! -d /etc/apache2/apache2.conf ]; } || { printf '%s\\n' 'remlite: precondition failed: /etc/apache2 is a directory and /etc/apache2/apache2.conf is not' >&2; exit 3; }; } && " +
        "{ { command -v systemd-run >/dev/null 2>&1; } || { printf '%s\\n' 'remlite: precondition failed: systemd-run is installed' >&2; exit 3; }; } && ",
    ),
    c,
  );
  // The baseline copy goes to the staged name first (the live file is untouched until the transaction).
  assert.ok(c.includes('mv -f -- "$tmp" ./.apache2.conf.remlite-new ) && log=$(mktemp -- /tmp/remlite-restore.XXXXXX) && { systemd-run --quiet --wait --collect -- /bin/sh -c '), c);
  assert.ok(c.endsWith(` remlite-config-restore "$log"; r=$?; cat -- "$log"; rm -f -- "$log"; rm -f -- /etc/apache2/.apache2.conf.remlite-new; exit $r; }`), c);
  assert.doesNotMatch(c, /[\x00-\x1f]/, 'one line: the confirmation shows it exactly');
  const script = transaction(c);
  assert.ok(
    script.startsWith(
      'exec >"$1" 2>&1; was=0; if systemctl is-active --quiet -- apache2.service; then was=1; fi; had=0; ' +
        "if [ -e /etc/apache2/apache2.conf ] || [ -L /etc/apache2/apache2.conf ]; then ln -f -- /etc/apache2/apache2.conf /etc/apache2/.apache2.conf.remlite-prev || { printf '%s\\n' 'remlite: could not keep the previous /etc/apache2/apache2.conf: nothing changed' >&2; rm -f -- /etc/apache2/.apache2.conf.remlite-new; exit 1; }; had=1; fi; " +
        'mv -f -- /etc/apache2/.apache2.conf.remlite-new /etc/apache2/apache2.conf || ',
    ),
    script,
  );
  assert.ok(script.includes("; { { sh -c 'if command -v apachectl >/dev/null 2>&1; then apachectl configtest; fi' || { back; false; }; } || {"), script);
  assert.ok(script.includes('; if systemctl reload-or-restart -- apache2.service && systemctl is-active -- apache2.service; then rm -f -- /etc/apache2/.apache2.conf.remlite-prev; exit 0; fi; back; '), script);
  assert.ok(script.endsWith('; if [ "$was" = 1 ] && ! systemctl is-active --quiet -- apache2.service; then systemctl restart -- apache2.service; systemctl is-active -- apache2.service; fi; exit 1'), script);
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.input, {
    baselineFile: SHA,
    sha256: SHA,
    bytes: 7178,
    description: 'baseline copy of /etc/apache2/apache2.conf accepted 2025-05-01T10:00:00.000Z by ops@desk',
  });
  assert.deepEqual(r.plan.preconditions, [
    '/etc/apache2 is a directory owned by root and writable by no one else',
    '/etc/apache2/apache2.conf is a regular file (or absent), not a symbolic link',
    'the temp file is still the regular file mktemp created (checked before its owner and mode are set)',
    '/etc/apache2 is a directory and /etc/apache2/apache2.conf is not',
    'systemd-run is installed: the test, the restart and any rollback run as their own unit, apart from this SSH session',
    'the restored /etc/apache2/apache2.conf passes the config test of apache2 (if command -v apachectl >/dev/null 2>&1; then apachectl configtest; fi); otherwise the previous file is put back and apache2 is not touched',
  ]);
  assert.match(r.plan.expected, /the previous \/etc\/apache2\/apache2\.conf is put back/);
});

/** The script given to systemd-run, as the transient unit's shell will see it ($$ is systemd's literal $). */
function transaction(command: string): string {
  const m = /systemd-run --quiet --wait --collect -- \/bin\/sh -c '((?:[^']|'\\'')*)' remlite-config-restore/.exec(command);
  assert.ok(m, command);
  return m[1]!.replace(/'\\''/g, "'").replace(/\$\$/g, '$');
}

test('config.restore restarts a failed unit, uses the declared test, sshd -t gets /run/sshd, sudo for non-root users, sysvinit runs it inline', () => {
  const failed = host({}, { probe: probe({ services: [{ name: 'nginx', active: 'failed', sub: 'failed', load: 'loaded', init: 'systemd' }] }) });
  const nginx = transaction(cmd(plan('config.restore', { path: '/etc/nginx/nginx.conf', service: 'nginx' }, failed)));
  assert.ok(nginx.includes("{ sh -c 'nginx -t -q' || { back; false; }; }"), nginx);
  assert.ok(nginx.includes('; systemctl reset-failed -- nginx.service >/dev/null 2>&1; if systemctl restart -- nginx.service && systemctl is-active -- nginx.service; then'), nginx);
  const sshBaseline = { ...BASELINE, files: { ...BASELINE.files, '/etc/ssh/sshd_config': { kind: 'config' as const, sha256: SHA, copy: SHA, mode: '0644', owner: 'root', group: 'root', size: 10 } } };
  const ssh = transaction(cmd(plan('config.restore', { path: '/etc/ssh/sshd_config', service: 'ssh' }, host(), { ...extras, baseline: sshBaseline })));
  assert.ok(ssh.includes("{ sh -c 'if command -v sshd >/dev/null 2>&1; then { test -d /run/sshd || mkdir -m 0755 /run/sshd; } >/dev/null 2>&1; sshd -t; fi' || { back; false; }; }"), ssh);
  const ops = host({ ssh: { host: 'h', port: 22, user: 'ops', identityFiles: [], knownHostsFiles: [] } });
  const c = cmd(plan('config.restore', { path: '/etc/apache2/apache2.conf' }, ops));
  assert.match(c, /^sudo -n -- sh -c '\( umask 077 && .*tmp=\$\(mktemp -- .*mv -f -- "\$tmp" \.\/apache2\.conf \)'$/);
  assert.doesNotMatch(c, /systemctl|remlite-prev/, 'no service given: the atomic write alone');
  const sysv = host({}, { probe: probe({ init: 'sysvinit' }) });
  const inline = cmd(plan('config.restore', { path: '/etc/apache2/apache2.conf', service: 'apache2' }, sysv));
  assert.doesNotMatch(inline, /systemd-run/);
  assert.match(inline, /&& \{ sh -c '.*if service apache2 reload && service apache2 status; then .*'; r=\$\?; rm -f -- \/etc\/apache2\/\.apache2\.conf\.remlite-new; exit \$r; \}$/s);
});

test('data.restore quotes a hostile path everywhere; the owner of record may also write the directory', () => {
  const c = cmd(plan('data.restore', { path: HOSTILE }));
  assert.ok(c.startsWith(`( umask 077 && ${guarded('/srv/data', 'mysql')} && `), c);
  assert.ok(c.includes(`[ ! -L './it'\\''s $(x).db' ]`), c);
  assert.ok(c.includes(`tmp=$(mktemp -- './.it'\\''s $(x).db.remlite.XXXXXX')`), c);
  assert.ok(c.endsWith(`chown -h -- mysql:mysql "$tmp" && chmod -- 0640 "$tmp" && mv -f -- "$tmp" './it'\\''s $(x).db' )`), c);
});

test('perms.restore: inside the checked directory, a regular file only, chown -h then chmod, names after --', () => {
  const r = plan('perms.restore', { path: '/var/log/apache2/error.log' });
  assert.equal(
    cmd(r),
    `${guarded('/var/log/apache2')} && ` +
      `{ { [ ! -L ./error.log ] && [ -f ./error.log ]; } || { printf '%s\\n' 'remlite: precondition failed: /var/log/apache2/error.log is a regular file, not a symbolic link' >&2; exit 3; }; } && ` +
      'chown -h -- root:adm ./error.log && chmod -- 0640 ./error.log',
  );
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.preconditions, [
    '/var/log/apache2 is a directory owned by root and writable by no one else',
    '/var/log/apache2/error.log is a regular file, not a symbolic link',
  ]);
});

test('owner and group names from the host that are not valid account names are refused before planning', () => {
  for (const [owner, group] of [["it's", 'adm'], ['root', '$(x)'], ['-R', 'root'], ['Root', 'root'], ['a b', 'root'], ['root', '']] as const) {
    const files = { ...BASELINE.files, '/var/log/apache2/error.log': { kind: 'log' as const, mode: '0640', owner, group, size: 1 } };
    const r = plan('perms.restore', { path: '/var/log/apache2/error.log' }, host(), { ...extras, baseline: { ...BASELINE, files } });
    assert.match(refused(r), group === '' ? /no owner\/group/ : /is not a valid user or group name/, `${owner}:${group}`);
  }
  const numeric = { ...BASELINE.files, '/var/log/apache2/error.log': { kind: 'log' as const, mode: '0640', owner: '1001', group: '_adm-2', size: 1 } };
  assert.match(cmd(plan('perms.restore', { path: '/var/log/apache2/error.log' }, host(), { ...extras, baseline: { ...BASELINE, files: numeric } })), /chown -h -- 1001:_adm-2 \.\/error\.log/);
});

test('no write repair onto an unreadable file, a symlink, or a filesystem with errors: the planner refuses with the reason', () => {
  const LOG = '/var/log/apache2/error.log';
  const DATA = HOSTILE;
  const withFiles = (files: HostProbe['files'], extra: Partial<HostProbe> = {}) => host({}, { probe: probe({ files, ...extra }) });
  const eio = withFiles([{ path: DATA, exists: true, kind: 'file', unreadable: 'EIO (Input/output error)' }]);
  assert.match(refused(plan('data.restore', { path: DATA }, eio)), /is unreadable \(EIO \(Input\/output error\)\): check the volume first \(fsck \/ remount\)/);
  const link = withFiles([{ path: LOG, exists: true, kind: 'link', linkTarget: '/etc/shadow' }]);
  assert.match(refused(plan('perms.restore', { path: LOG }, link)), /is a symbolic link to \/etc\/shadow: remlite never writes through one/);
  const errors = withFiles([], { fsErrors: [{ device: 'vdb', count: 2 }] });
  assert.match(refused(plan('data.restore', { path: DATA }, errors)), /filesystem errors on vdb \(\/srv\/data\): 2; check the volume first \(fsck \/ remount\)/);
  assert.match(cmd(plan('config.restore', { path: '/etc/apache2/apache2.conf' }, errors)), /mktemp/, 'errors on another volume block nothing else');
});

test('restores refuse without a baseline, an entry, a copy or a valid path', () => {
  assert.match(refused(plan('config.restore', { path: '/etc/apache2/apache2.conf' }, host(), {})), /no baseline for web1: accept its current state/);
  assert.match(refused(plan('data.restore', { path: '/srv/other.db' })), /does not cover \/srv\/other\.db/);
  assert.match(refused(plan('data.restore', { path: '/var/log/apache2/error.log' })), /keeps no copy of \/var\/log\/apache2\/error\.log/);
  assert.match(refused(plan('config.restore', { path: '/etc/apache2/apache2.conf' }, host(), { ...extras, hasCopy: () => false })), /missing from the baseline store/);
  assert.match(refused(plan('data.restore', { path: 'relative/x' })), /not absolute/);
  assert.match(refused(plan('data.restore', { path: '/a/../etc/shadow' })), /contains "\.\."/);
  assert.match(refused(plan('data.restore', { path: '/a\nb' })), /line break/);
  assert.match(refused(plan('config.restore', { path: '/etc/apache2/apache2.conf', service: 'a;b' })), /not a valid service name/);
});

test('disk.cleanup: declared paths on the mount, rotated logs and journal when /var/log is on it; a preview with sizes', () => {
  const guard = (d: string) =>
    `{ { if [ -e ${d} ] || [ -L ${d} ]; then [ -d ${d} ] && [ ! -L ${d} ] && [ "$(readlink -f -- ${d})" = ${d} ]; fi; } || { printf '%s\\n' 'remlite: precondition failed: ${d} is absent, or a directory reached through no symlink' >&2; exit 3; }; }`;
  const find = (d: string, rest: string) => `{ [ ! -d ${d} ] || find -P ${d} ${rest}; }`;
  const r = plan('disk.cleanup', { mount: '/srv/data' });
  assert.equal(
    cmd(r),
    `${guard('/srv/data/tmp')} && ${guard('/srv/data/cache')} && ${find('/srv/data/tmp', "-xdev -type f -mmin +10080 -printf '%s\\t%p\\n' -delete")} && ${find('/srv/data/cache', "-xdev -type f -mmin +10080 -printf '%s\\t%p\\n' -delete")}`,
  );
  assert.ok('plan' in r);
  assert.equal(
    r.plan.preview?.command,
    `${guard('/srv/data/tmp')} && ${guard('/srv/data/cache')} && ${find('/srv/data/tmp', "-xdev -type f -mmin +10080 -printf '%s\\t%p\\n'")} && ${find('/srv/data/cache', "-xdev -type f -mmin +10080 -printf '%s\\t%p\\n'")}`,
  );
  assert.deepEqual(r.plan.preconditions, ['/srv/data/tmp is absent, or a directory reached through no symlink', '/srv/data/cache is absent, or a directory reached through no symlink']);
  assert.match(r.plan.preview?.description ?? '', /older than 7 days/);
  const root = plan('disk.cleanup', { mount: '/' });
  assert.equal(
    cmd(root),
    `${guard('/var/log')} && { { command -v journalctl >/dev/null 2>&1; } || { printf '%s\\n' 'remlite: precondition failed: journalctl is installed' >&2; exit 3; }; } && ` +
      find('/var/log', "-xdev -type f '(' -name '*.gz' -o -name '*.xz' -o -name '*.zst' -o -name '*.[0-9]' -o -name '*.old' ')' -mmin +10080 -printf '%s\\t%p\\n' -delete") +
      ' && journalctl --vacuum-time=7d --vacuum-size=64M',
  );
  assert.ok('plan' in root);
  assert.match(root.plan.preview?.command ?? '', /-printf '%s\\t%p\\n'; } && journalctl --disk-usage$/);
  // The age is the setting's (cleanupMinAgeDays).
  assert.match(cmd(plan('disk.cleanup', { mount: '/' }, host(), { ...extras, cleanupMinAgeDays: 30 })), /-mmin \+43200 .* --vacuum-time=30d /);
  // A declared path that is a whole filesystem or not normalized is refused before anything runs.
  for (const bad of ['/', '/srv/data/tmp/', '/srv/data/./tmp'])
    assert.match(refused(plan('disk.cleanup', { mount: bad === '/' ? '/' : '/srv/data' }, host({ checks: { ...NO_CHECKS, cleanupPaths: [bad] } }))), /not a plain directory path/);
  const varMount = host({}, { probe: probe({ volumes: [vol('/'), vol('/var/log'), vol('/srv/data')] }) });
  assert.match(refused(plan('disk.cleanup', { mount: '/' }, varMount)), /nothing to clean on \/: no \/var\/log or cleanup path on it/);
  assert.match(refused(plan('disk.cleanup', { mount: '/nope' })), /not a mount of web1/);
  assert.match(refused(plan('disk.cleanup', { mount: '/' }, host({}, { probe: undefined }))), /not been probed/);
});

test('the planner\'s cleanup age without the setting is the setting\'s default', () => {
  assert.equal(DEFAULT_CLEANUP_MIN_AGE_DAYS, SETTINGS_DEFAULTS.cleanupMinAgeDays);
});

test('the cleanup preview is summed into bytes and files, biggest first, notes kept', () => {
  const s = summarizeCleanupPreview('3000000\t/srv/data/tmp/a.1\n12\t/srv/data/tmp/b.old\n1234\t/srv/data/tmp/c d.gz\nArchived and active journals take up 8.0M in the file system.\n');
  assert.equal(s.bytes, 3001246);
  assert.equal(s.files, 3);
  const lines = s.text.split('\n');
  assert.equal(lines[0], 'would free 2.9 MiB (3001246 bytes) in 3 files');
  assert.match(lines[1] ?? '', /2\.9 MiB {2}\/srv\/data\/tmp\/a\.1$/);
  assert.match(lines[3] ?? '', /12 B {2}\/srv\/data\/tmp\/b\.old$/);
  assert.match(s.text, /journals take up 8\.0M/);
  assert.equal(summarizeCleanupPreview('').text, 'would free 0 B (0 bytes) in 0 files');
});

test('db.dump and db.restore: restore creates only the named tables (dump filtered, no DROP, none may exist), needs a stored dump and names it as input', () => {
  assert.equal(cmd(plan('db.dump', { database: 'remlite_app' })), 'mysqldump --single-transaction remlite_app');
  assert.match(refused(plan('db.restore', { database: 'remlite_app', tables: 'orders' })), /no stored dump of remlite_app for web1/);
  const dump = { name: 'remlite_app-2025-05-01T10-00-00-000Z.sql', sha256: SHA, bytes: 1234, at: '2025-05-01T10:00:00.000Z' };
  const withDump = { ...extras, newestDump: (db: string) => (db === 'remlite_app' ? dump : undefined) };
  const r = plan('db.restore', { database: 'remlite_app', tables: 'orders,users' }, host(), withDump);
  const c = cmd(r);
  assert.ok(c.startsWith(`umask 077 && f=$(mktemp) && trap 'rm -f -- "$f"' EXIT && awk -v 'tables=orders users' 'BEGIN`), c);
  assert.ok(c.includes(`}' > "$f" && { { e=$(mysql -N -B -e 'SELECT 1') && [ "$e" = 1 ]; } || `), c);
  assert.ok(c.includes(`e=$(mysql -N -B -e 'SELECT table_name FROM information_schema.tables WHERE table_schema='\\''remlite_app'\\'' AND table_name IN ('\\''orders'\\'','\\''users'\\'')')`), c);
  assert.ok(c.includes(`{ { [ -z "$e" ]; } || { printf '%s\\n' 'remlite: precondition failed: none of orders, users exists in remlite_app (an existing table is never dropped or overwritten)' >&2; exit 3; }; } && mysql -e 'CREATE DATABASE IF NOT EXISTS \`remlite_app\`' && mysql remlite_app < "$f" && n=$(`), c);
  assert.ok(c.endsWith(`{ [ "$n" = 2 ] || { printf '%s\\n' 'remlite: after the restore remlite_app lacks some of orders, users' >&2; exit 1; }; }`), c);
  assert.doesNotMatch(c, /DROP TABLE|--force/);
  assert.doesNotMatch(c, /[\x00-\x1f]/, 'one line: the confirmation shows it exactly');
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.input, { baselineFile: dump.name, sha256: SHA, bytes: 1234, description: 'newest dump of remlite_app, taken 2025-05-01T10:00:00.000Z' });
  assert.equal(r.plan.title, 'Create the missing table(s) orders, users of remlite_app from the newest stored dump');
  assert.deepEqual(r.plan.preconditions, [
    'the stored dump has a definition of each table to create: orders, users',
    'the MySQL/MariaDB server answers',
    'none of orders, users exists in remlite_app: existing tables are left untouched (never dropped nor overwritten)',
  ]);
  assert.match(r.plan.expected, /every other table is left as it is/);

  const onlyDb = cmd(plan('db.restore', { database: 'remlite_app', tables: '' }, host(), withDump));
  assert.match(onlyDb, /awk -v tables= .* && mysql -e 'CREATE DATABASE IF NOT EXISTS `remlite_app`' && mysql remlite_app < "\$f"$/s);

  assert.match(refused(plan('db.dump', { database: 'app; drop' })), /not a database name/);
  assert.match(refused(plan('db.restore', { database: '-e', tables: 'a' })), /not a database name/);
  assert.match(refused(plan('db.restore', { database: 'remlite_app' }, host(), withDump)), /no tables given/);
  assert.match(refused(plan('db.restore', { database: 'remlite_app', tables: "orders,x'); DROP TABLE users; --" }, host(), withDump)), /is not a table name remlite restores/);
});

test('db.rollback is its own action: the whole dump (its DROP TABLEs included) into the database, created if gone; it says rows are lost', () => {
  const dump = { name: 'remlite_app-2025-05-01T10-00-00-000Z.sql', sha256: SHA, bytes: 1234, at: '2025-05-01T10:00:00.000Z' };
  const r = plan('db.rollback', { database: 'remlite_app' }, host(), { ...extras, newestDump: () => dump });
  assert.equal(
    cmd(r),
    `{ { e=$(mysql -N -B -e 'SELECT 1') && [ "$e" = 1 ]; } || { printf '%s\\n' 'remlite: precondition failed: the MySQL/MariaDB server answers' >&2; exit 3; }; } && mysql -e 'CREATE DATABASE IF NOT EXISTS \`remlite_app\`' && mysql remlite_app`,
  );
  assert.ok('plan' in r);
  assert.equal(r.plan.title, 'Roll ALL of database remlite_app back to the newest stored dump');
  assert.match(r.plan.expected, /rows written to remlite_app since the dump are LOST/);
  assert.equal(r.plan.input?.baselineFile, dump.name);
  assert.match(refused(plan('db.rollback', { database: 'remlite_app' })), /no stored dump/);
});

test('fs.remount-rw fails closed on the host when the path is no longer a mount point: exit 3, nothing remounted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-not-a-mount-'));
  try {
    const r = plan('fs.remount-rw', { mount: dir }, host({}, { probe: probe({ volumes: [vol(dir)] }) }));
    const run = spawnSync('sh', ['-c', cmd(r)], { encoding: 'utf8' });
    assert.equal(run.status, 3, run.stderr);
    assert.equal(run.stderr, `remlite: precondition failed: ${dir} is still a mount point\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('module.load and fs.remount-rw: exact commands and their refusals', () => {
  assert.equal(
    cmd(plan('module.load', { module: 'overlay' })),
    "{ { modprobe -n -- overlay >/dev/null 2>&1; } || { printf '%s\\n' 'remlite: precondition failed: overlay exists for the running kernel (modprobe -n finds it)' >&2; exit 3; }; } && modprobe -- overlay",
  );
  assert.match(refused(plan('module.load', { module: '-r ext4' })), /not a kernel module name/);
  const remount = plan('fs.remount-rw', { mount: '/srv/data' });
  assert.ok(cmd(remount).startsWith("{ { mountpoint -q -- /srv/data; } || { printf '%s\\n' 'remlite: precondition failed: /srv/data is still a mount point' >&2; exit 3; }; } && "), cmd(remount));
  assert.ok(cmd(remount).includes(`{ { [ ! -e /sys/fs/ext4/vdb/errors_count ] || [ "$(cat -- /sys/fs/ext4/vdb/errors_count)" = 0 ]; } || `), cmd(remount));
  assert.ok(cmd(remount).endsWith(' && mount -o remount,rw -- /srv/data'), cmd(remount));
  assert.match(refused(plan('fs.remount-rw', { mount: '/' })), /root filesystem is not remounted/);
  assert.match(refused(plan('fs.remount-rw', { mount: '/mnt/x' })), /not a mount of web1/);
  // As the probe reports it: /sys/fs/ext4 names the device by its kernel name.
  const errors = host({}, { probe: probe({ fsErrors: [{ device: 'vdb', count: 3 }] }) });
  assert.match(refused(plan('fs.remount-rw', { mount: '/srv/data' }, errors)), /\/dev\/vdb reports 3 filesystem errors/);
  const elsewhere = host({}, { probe: probe({ fsErrors: [{ device: 'loop1', count: 3029865485 }] }) });
  assert.equal(refused(plan('fs.remount-rw', { mount: '/srv/data' }, elsewhere)), '(planned)', 'a counter of another device does not refuse it');
});

test('restore wording: the findings list, the confirmation title and the command agree (reload or restart)', () => {
  const repair = restoreConfigRepair('/etc/apache2/apache2.conf', 'apache2');
  const r = plan(repair.action, repair.params);
  assert.ok('plan' in r);
  assert.equal(r.plan.title, repair.label);
  assert.equal(repair.label, 'Restore /etc/apache2/apache2.conf from the baseline and reload or restart apache2');
  assert.ok(transaction(r.plan.command).includes('systemctl reload-or-restart -- apache2.service'));
  const data = plan('data.restore', { path: HOSTILE });
  assert.ok('plan' in data, refused(data));
  assert.equal(data.plan.title, dataRestoreWording(HOSTILE));
});

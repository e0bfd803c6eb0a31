import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAction, type PlanExtras } from '../../src/actions/planner.js';
import { DEFAULT_CLEANUP_MIN_AGE_DAYS, summarizeCleanupPreview } from '../../src/actions/catalogue/disk-cleanup.js';
import { SETTINGS_DEFAULTS } from '../../src/persist/settings.js';
import type { HostState } from '../../src/store/index.js';
import type { HostBaseline, HostProbe, Machine, VolumeStatus } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';

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
    [HOSTILE]: { kind: 'data', sha256: SHA, copy: SHA, mode: '0640', owner: "it's", group: '$(x)', size: 65536 },
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

test('config.restore: atomic write from stdin, config test, reload, is-active; the input names the copy', () => {
  const r = plan('config.restore', { path: '/etc/apache2/apache2.conf', service: 'apache2' });
  assert.equal(
    cmd(r),
    'umask 077 && tmp=$(mktemp -- /etc/apache2/.apache2.conf.remlite.XXXXXX) && cat > "$tmp" && chmod 0644 -- "$tmp" && chown root:root -- "$tmp" && mv -f -- "$tmp" /etc/apache2/apache2.conf && if command -v apachectl >/dev/null 2>&1; then apachectl configtest; fi && systemctl reload-or-restart -- apache2.service && systemctl is-active -- apache2.service',
  );
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.input, {
    baselineFile: SHA,
    sha256: SHA,
    bytes: 7178,
    description: 'baseline copy of /etc/apache2/apache2.conf accepted 2025-05-01T10:00:00.000Z by ops@desk',
  });
});

test('config.restore restarts a failed unit, uses the declared test, and goes through sudo for non-root users', () => {
  const failed = host({}, { probe: probe({ services: [{ name: 'nginx', active: 'failed', sub: 'failed', load: 'loaded', init: 'systemd' }] }) });
  assert.match(cmd(plan('config.restore', { path: '/etc/nginx/nginx.conf', service: 'nginx' }, failed)), / && nginx -t -q && systemctl restart -- nginx\.service && systemctl is-active -- nginx\.service$/);
  const ops = host({ ssh: { host: 'h', port: 22, user: 'ops', identityFiles: [], knownHostsFiles: [] } });
  const c = cmd(plan('config.restore', { path: '/etc/apache2/apache2.conf' }, ops));
  assert.match(c, /^sudo -n -- sh -c 'umask 077 && tmp=\$\(mktemp -- .*mv -f -- "\$tmp" \/etc\/apache2\/apache2\.conf'$/);
  assert.doesNotMatch(c, /systemctl/, 'no service given: no service steps');
});

test('data.restore quotes a hostile path and hostile owner names everywhere', () => {
  assert.equal(
    cmd(plan('data.restore', { path: HOSTILE })),
    `umask 077 && tmp=$(mktemp -- '/srv/data/.it'\\''s $(x).db.remlite.XXXXXX') && cat > "$tmp" && chmod 0640 -- "$tmp" && chown 'it'\\''s:$(x)' -- "$tmp" && mv -f -- "$tmp" '/srv/data/it'\\''s $(x).db'`,
  );
});

test('perms.restore: chmod and chown to the baseline', () => {
  assert.equal(cmd(plan('perms.restore', { path: '/var/log/apache2/error.log' })), 'chmod 0640 -- /var/log/apache2/error.log && chown root:adm -- /var/log/apache2/error.log');
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
    `{ if [ -e ${d} ] || [ -L ${d} ]; then [ -d ${d} ] && [ ! -L ${d} ] && [ "$(readlink -f -- ${d})" = ${d} ]; fi; } || { printf '%s\\n' 'remlite: precondition failed: ${d} is absent, or a directory reached through no symlink' >&2; exit 3; }`;
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
    `${guard('/var/log')} && { command -v journalctl >/dev/null 2>&1; } || { printf '%s\\n' 'remlite: precondition failed: journalctl is installed' >&2; exit 3; } && ` +
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
  assert.match(lines[1] ?? '', /2\.9 MiB  \/srv\/data\/tmp\/a\.1$/);
  assert.match(lines[3] ?? '', /12 B  \/srv\/data\/tmp\/b\.old$/);
  assert.match(s.text, /journals take up 8\.0M/);
  assert.equal(summarizeCleanupPreview('').text, 'would free 0 B (0 bytes) in 0 files');
});

test('db.dump and db.restore: exact mysql commands; restore needs a stored dump and names it as input', () => {
  assert.equal(cmd(plan('db.dump', { database: 'remlite_app' })), 'mysqldump --single-transaction remlite_app');
  assert.match(refused(plan('db.restore', { database: 'remlite_app' })), /no stored dump of remlite_app for web1/);
  const dump = { name: 'remlite_app-2025-05-01T10-00-00-000Z.sql', sha256: SHA, bytes: 1234, at: '2025-05-01T10:00:00.000Z' };
  const r = plan('db.restore', { database: 'remlite_app' }, host(), { ...extras, newestDump: (db) => (db === 'remlite_app' ? dump : undefined) });
  assert.equal(cmd(r), 'mysql remlite_app');
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.input, { baselineFile: dump.name, sha256: SHA, bytes: 1234, description: 'newest dump of remlite_app, taken 2025-05-01T10:00:00.000Z' });
  assert.match(refused(plan('db.dump', { database: 'app; drop' })), /not a database name/);
  assert.match(refused(plan('db.restore', { database: '-e' })), /not a database name/);
});

test('module.load and fs.remount-rw: exact commands and their refusals', () => {
  assert.equal(cmd(plan('module.load', { module: 'overlay' })), 'modprobe -- overlay');
  assert.match(refused(plan('module.load', { module: '-r ext4' })), /not a kernel module name/);
  assert.equal(cmd(plan('fs.remount-rw', { mount: '/srv/data' })), 'mount -o remount,rw -- /srv/data');
  assert.match(refused(plan('fs.remount-rw', { mount: '/' })), /root filesystem is not remounted/);
  assert.match(refused(plan('fs.remount-rw', { mount: '/mnt/x' })), /not a mount of web1/);
  const errors = host({}, { probe: probe({ fsErrors: [{ device: '/dev/vdb', count: 3 }] }) });
  assert.match(refused(plan('fs.remount-rw', { mount: '/srv/data' }, errors)), /\/dev\/vdb reports 3 filesystem errors/);
});

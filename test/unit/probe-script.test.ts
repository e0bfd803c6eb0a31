import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProbeScript, PSEUDO_FS_TYPES, unitNameFor } from '../../src/probe/script.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { busyboxRootUnavailable, makeBusyboxRoot, which } from '../support/busybox-root.js';


function runWith(shell: string[], script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function section(out: string, name: string): string[] {
  const lines = out.split('\n');
  const start = lines.indexOf(`@@remlite ${name}`);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('@@remlite '));
  return end < 0 ? rest : rest.slice(0, end);
}

test('the script is valid POSIX sh (sh -n) with and without services', () => {
  for (const services of [[], ['apache2', 'mariadb', 'cron.service', 'getty@tty1']]) {
    const r = spawnSync('/bin/sh', ['-n'], { input: buildProbeScript(services), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

test('every shell on this machine runs it to the end marker with core sections', (t) => {
  const shells: string[][] = [['/bin/sh']];
  const dash = which('dash');
  if (dash) shells.push([dash]);
  const bash = which('bash');
  if (bash) shells.push([bash, '--posix']);
  const busybox = which('busybox');
  if (busybox) shells.push([busybox, 'sh']);
  else t.diagnostic('busybox not installed: busybox sh not tried');
  for (const shell of shells) {
    const r = runWith(shell, buildProbeScript(['nosuch-remlite-svc']));
    assert.equal(r.status, 0, `${shell.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /\n@@remlite end\n$/, shell.join(' '));
    assert.equal(r.stderr, '', `${shell.join(' ')} wrote to stderr`);
    const parsed = parseProbeOutput(r.stdout);
    assert.ok(parsed.ok, `${shell.join(' ')}: ${parsed.ok ? '' : parsed.error}`);
    assert.ok(parsed.probe.memTotalBytes > 0);
    assert.ok(parsed.probe.volumes.some((v) => v.mount === '/'), `${shell.join(' ')}: no / volume`);
  }
});

test('hostile service names are dropped and never executed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-canary-'));
  const canary = join(dir, 'x');
  try {
    const hostile = [
      `a;touch ${canary}`,
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `x' ; touch ${canary} ; '`,
      `x\ntouch ${canary}`,
      '-rf',
      '$(id)',
      '',
    ];
    const script = buildProbeScript([...hostile, 'sshd']);
    assert.ok(!script.includes('touch'), 'a hostile name reached the script text');
    assert.ok(!script.includes('$(id)'));
    const r = runWith(['/bin/sh'], script);
    assert.equal(r.status, 0);
    assert.equal(existsSync(canary), false, 'canary file was created');
    assert.deepEqual(section(r.stdout, 'expected'), ['sshd']);
    assert.ok(section(r.stdout, 'warnings').includes(`dropped ${hostile.length} service name(s) that are not valid unit names`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('valid names with punctuation reach the script quoted and come back verbatim', () => {
  const names = ['getty@tty1', 'a+b', 'x:y', 'my.app', 'dbus.socket'];
  const r = runWith(['/bin/sh'], buildProbeScript(names));
  assert.deepEqual(section(r.stdout, 'expected'), names);
});

test('unitNameFor appends .service only when there is no unit suffix', () => {
  assert.equal(unitNameFor('apache2'), 'apache2.service');
  assert.equal(unitNameFor('cron.service'), 'cron.service');
  assert.equal(unitNameFor('dbus.socket'), 'dbus.socket');
  assert.equal(unitNameFor('backup.timer'), 'backup.timer');
  assert.equal(unitNameFor('my.app'), 'my.app.service');
  assert.equal(unitNameFor('getty@tty1'), 'getty@tty1.service');
});

test('a line printed by a command that looks like a marker cannot forge a section', () => {
  // The guard filter is what every command's output goes through; exercise it on hostile text.
  const script = buildProbeScript([]);
  const guardOnly = script.split('\nsection meta\n')[0] + '\nprintf "@@remlite end\\nok\\n@@x" | guard\n';
  const r = runWith(['/bin/sh'], guardOnly);
  assert.equal(r.stdout, '!@@remlite end\nok\n!@@x\n');
});

test('put prints text as is unless a line starts with @@, which then goes through guard', () => {
  const script = buildProbeScript([]);
  const putOnly =
    script.split('\nsection meta\n')[0] +
    `\nput 'plain a@@b'\nput "$(printf 'x\\n@@remlite end\\n@@')"\nput 'last'\n`;
  const r = runWith(['/bin/sh'], putOnly);
  assert.equal(r.stdout, 'plain a@@b\nx\n!@@remlite end\n!@@\nlast\n');
});


test('mountinfo lines that are cut short or have a "-" in the wrong place are passed over; the run goes on to the end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-badmountinfo-'));
  try {
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(
      mountinfo,
      [
        '1 0 0:1 / / rw,relatime - ext4 /dev/root rw',
        '7 1 0:9 / /short - tmpfs',
        '8 1 0:10 - /early rw,relatime - tmpfs none ro',
        '9 1 0:11 - /nodash rw shared:1 tmpfs none rw',
        '10 1 0:12 / /opt\\040x ro,relatime shared:3 master:2 - tmpfs none rw',
        '',
      ].join('\n'),
    );
    const script = buildProbeScript([]);
    const read = 'KT=$(cat /proc/self/mountinfo /proc/stat 2>/dev/null)';
    assert.ok(script.includes(read));
    const r = runWith(['/bin/sh'], script.replace(read, `KT=$(cat ${mountinfo} /proc/stat)`));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /\n@@remlite end\n$/);
    // The early "-" is an odd root, not the separator; the optional fields are stepped over.
    assert.deepEqual(section(r.stdout, 'mounts'), ['/dev/root / ext4 rw', 'none /early tmpfs ro', 'none /opt\\040x tmpfs ro']);
    assert.ok(parseProbeOutput(r.stdout).ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the mounts section reads mountinfo once and gives the lines /proc/mounts gives: escaped names, read-only by the mount or by its filesystem, 300 mounts', (t) => {
  const unshare = which('unshare');
  if (process.getuid?.() !== 0 || !unshare) {
    t.skip('needs root and unshare (a private mount namespace)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'remlite-mounttable-'));
  try {
    writeFileSync(join(dir, 'probe.sh'), buildProbeScript([]));
    const inner = [
      'set -e',
      'B=$1',
      'i=0; while [ $i -lt 300 ]; do i=$((i + 1)); mkdir -p "$B/m$i"; mount -t tmpfs -o size=64k none "$B/m$i"; done',
      'mkdir -p "$B/with space" "$B/bindro" "$B/fsro" "$B/sbro"',
      'mount -t tmpfs -o size=64k none "$B/with space"',
      // Read-only by the mount (a read-only bind) and by the filesystem: sbro is a bind of fsro, whose
      // filesystem is then made read-only; mountinfo says rw for sbro's own mount, /proc/mounts ro.
      'mount --bind "$B/m1" "$B/bindro"; mount -o remount,bind,ro "$B/bindro"',
      'mount -t tmpfs -o size=64k none "$B/fsro"; mount --bind "$B/fsro" "$B/sbro"; mount -o remount,ro "$B/fsro"',
      'sh "$B/probe.sh"',
      'echo @@proc-mounts',
      'cat /proc/self/mounts',
    ].join('\n');
    const r = spawnSync(unshare, ['--mount', '--propagation', 'private', '--fork', '/bin/sh', '-c', inner, 'sh', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const [probeOut = '', procMounts = ''] = r.stdout.split('@@proc-mounts\n');
    const want = procMounts
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, mnt = '', type = '']) => !PSEUDO_FS_TYPES.includes(type) && !/^\/(dev|sys|proc)(\/|$)|^\/run\//.test(mnt))
      .map(([dev, mnt, type, opts = '']) => `${dev} ${mnt} ${type} ${opts.split(',')[0]}`);
    const got = section(probeOut, 'mounts');
    assert.deepEqual(got, want);
    assert.ok(got.length > 300, `${got.length} lines`);
    assert.ok(got.includes(`none ${dir}/with\\040space tmpfs rw`), 'a space stays escaped as /proc/mounts has it');
    assert.ok(got.includes(`none ${dir}/bindro tmpfs ro`) && got.includes(`none ${dir}/sbro tmpfs ro`), 'both kinds of read-only');
    assert.ok(got.includes(`none ${dir}/m2 tmpfs rw`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in a busybox-only root (no getconf, no systemctl, no init.d) it degrades with warnings', (t) => {
  const unavailable = busyboxRootUnavailable();
  if (unavailable) {
    t.skip(unavailable);
    return;
  }
  const unshare = which('unshare')!;
  const root = makeBusyboxRoot(['sh', 'df', 'uname', 'date', 'cat', 'grep', 'nproc'], 'remlite-bbroot-');
  try {
    writeFileSync(join(root, 'probe.sh'), buildProbeScript(['apache2']));
    const inner = 'mount --rbind /proc "$1/proc" && mount --rbind /dev "$1/dev" && exec chroot "$1" /bin/sh /probe.sh';
    const r = spawnSync(unshare, ['--mount', '--propagation', 'private', '--fork', '/bin/sh', '-c', inner, 'sh', root], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const parsed = parseProbeOutput(r.stdout);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.equal(parsed.probe.init, 'unknown');
    assert.deepEqual(parsed.probe.services, []);
    assert.ok(parsed.probe.warnings.includes('no init system recognised: services not checked'));
    assert.ok(parsed.probe.cpus > 0, 'busybox nproc should give the cpu count');
    assert.ok(parsed.probe.hostname.length > 0);
    // busybox df has no --output: space and inodes come from df -P -k and df -P -i.
    assert.match(r.stdout, /\n@@remlite df\n[\s\S]*\n@@remlite dfi\n/);
    assert.doesNotMatch(r.stdout, /@@remlite dfboth/);
    assert.ok(section(r.stdout, 'df').length > 1, 'df -P -k rows');
    assert.ok(section(r.stdout, 'dfi').length > 1, 'df -P -i rows');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

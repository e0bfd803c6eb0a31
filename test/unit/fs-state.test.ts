// Per-device filesystem state (probe section fsstate, src/util/fsstate-script.ts): its parser, what the
// accept learns from it, and the fs-errors detector judging it against the baseline. The host may
// lie: device names, mount points and kernel log text are checked or sanitized.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FsDeviceState, HostBaseline, HostProbe, LearnedVolume, Machine } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';
import { parseFsState } from '../../src/util/fsstate-parse.js';
import { FSSTATE_MAX_DEVICES, fsStateScript, KERNEL_LOG_MAX_LINES } from '../../src/util/fsstate-script.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseLearned } from '../../src/baseline/learn-parse.js';
import { learnScript } from '../../src/baseline/learn-script.js';
import { detectFsErrors } from '../../src/matrix/fs-errors.js';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { writeBlocker } from '../../src/util/write-gate.js';

const BOOT = 1_700_000_000_000;
const ACCEPTED = '2023-11-14T22:30:00.000Z'; // BOOT + 7200 s
const acceptedMs = Date.parse(ACCEPTED);

const SECTION = [
  'fsdev vda1 ext4 / /dev/vda1',
  'fscnt errors_count 0',
  'fscnt first_error_time 0',
  'fssb Filesystem state:         clean',
  'fssb FS Error count:           0',
  'fsdev loop3 ext4 /srv/my\\040vol /dev/remlite-vol',
  'fscnt errors_count 2',
  'fscnt first_error_time 1700000100',
  'fscnt first_error_func ext4_lookup',
  'fscnt first_error_line 1855',
  'fscnt last_error_time 1700007300',
  'fscnt last_error_func __ext4_get_inode_loc',
  'fscnt last_error_line 4873',
  'fserr dumpe2fs: Bad magic number in super-block while trying to open /dev/remlite-vol',
  "fserr Couldn't find valid filesystem superblock.",
  'fsexit 1',
  'fsdev sdb1 ext3 /data /dev/sdb1',
  'fserr dumpe2fs: Permission denied while trying to open /dev/sdb1',
  'fsexit 1',
  'fsdev loop1 ext4 /srv/slow /dev/loop1',
  'fsexit 124',
  'fsdev ../../etc ext4 /x /dev/x',
  'fsdev -rf ext4 /y /dev/y',
  'fsdev sdc1 xfs /z /dev/sdc1',
  'fsklogsrc dmesg',
  'fsk [  100.000000] EXT4-fs (loop3): mounted filesystem r/w with ordered data mode',
  'fsk [  150.500000] EXT4-fs error (device loop3): ext4_lookup:1855: inode #2: comm ls: deleted inode referenced: 12',
  'fsk [ 7300.250000] Buffer I/O error on dev loop3, logical block 0, lost async page write',
  'fsk [ 7301.000000] EXT4-fs error (device loop10): ext4_find_entry: reading directory lblock 0',
  'fsk [ 7302.000000] EXT4-fs error (device loop1): bad block bitmap \x1b[31mchecksum\u202e',
];

test('fsstate: devices with their counters, superblock state or why it was not read; kernel log lines dated and given to the device they name', () => {
  const warnings: string[] = [];
  const p = parseFsState(SECTION, (w) => warnings.push(w), BOOT);
  assert.deepEqual(p.devices.map((d) => d.device), ['vda1', 'loop3', 'sdb1', 'loop1'], 'a device name that is a path, an option or another filesystem type is refused');
  assert.equal(warnings.length, 3, warnings.join('\n'));
  const [root, vol, denied, slow] = p.devices as [FsDeviceState, FsDeviceState, FsDeviceState, FsDeviceState];
  assert.deepEqual(root, { device: 'vda1', fstype: 'ext4', mount: '/', source: '/dev/vda1', errorsCount: 0, state: 'clean', sbErrorCount: 0, kernelErrors: [] });
  assert.equal(vol.mount, '/srv/my vol', 'mount table escapes undone');
  assert.equal(vol.source, '/dev/remlite-vol');
  assert.equal(vol.errorsCount, 2);
  assert.deepEqual(vol.firstError, { atMs: 1_700_000_100_000, where: 'ext4_lookup:1855' });
  assert.deepEqual(vol.lastError, { atMs: 1_700_007_300_000, where: '__ext4_get_inode_loc:4873' });
  assert.equal(vol.superblockError, 'Bad magic number in super-block while trying to open /dev/remlite-vol');
  assert.equal(vol.state, undefined);
  assert.deepEqual(
    vol.kernelErrors.map((l) => l.atMs),
    [BOOT + 150_500, BOOT + 7_300_250],
    'the mount message is no error; loop10 is not loop3',
  );
  assert.equal(denied.unchecked, 'Permission denied while trying to open /dev/sdb1', 'not looked at is unknown, not corrupt');
  assert.equal(denied.superblockError, undefined);
  assert.equal(slow.unchecked, 'dumpe2fs timed out');
  assert.equal(slow.kernelErrors.length, 1);
  assert.ok(!/[\x1b\u202e]/.test(slow.kernelErrors[0]!.text), 'control and bidi characters are not passed on');
  assert.equal(p.kernelLogUnavailable, undefined);
});

test('fsstate: an unreadable kernel log is said so; the device and line caps hold against a host that floods', () => {
  const p = parseFsState(['fsdev sda1 ext4 / /dev/sda1', 'fsklog! dmesg and journalctl -k both failed'], () => {}, BOOT);
  assert.equal(p.kernelLogUnavailable, 'dmesg and journalctl -k both failed');
  const reused = parseFsState(
    ['fsdev loop0 ext4 /srv/vol /dev/loop0', 'fsk [ 10.0] EXT4-fs error (device loop0): an earlier image', 'fsk [ 20.0] EXT4-fs (loop0): mounted filesystem 1234 r/w', 'fsk [ 30.0] EXT4-fs error (device loop0): this one'],
    () => {},
    BOOT,
  );
  assert.deepEqual(reused.devices[0]!.kernelErrors.map((l) => l.atMs), [BOOT + 30_000], 'errors before the current mount were another filesystem on the same loop device');
  const flood = [
    ...Array.from({ length: FSSTATE_MAX_DEVICES + 5 }, (_, i) => `fsdev sd${i} ext4 /m${i} /dev/sd${i}`),
    ...Array.from({ length: KERNEL_LOG_MAX_LINES * 3 }, (_, i) => `fsk [ ${i}.0] EXT4-fs error (device sd0): x`),
  ];
  const f = parseFsState(flood, () => {}, BOOT);
  assert.equal(f.devices.length, FSSTATE_MAX_DEVICES);
  assert.equal(f.devices[0]!.kernelErrors.length, KERNEL_LOG_MAX_LINES);
});

test('the probe runs the fsstate section with the kernel log; the accept learns the same lines without it', () => {
  const probe = buildProbeScript([]);
  assert.ok(probe.includes('@@remlite fsstate') || probe.includes("section fsstate"));
  assert.ok(fsStateScript({ kernelLog: true }).includes('grep -F -w'));
  assert.ok(!fsStateScript({ kernelLog: false }).includes('dmesg'), 'the accept does not read the kernel log');
  assert.ok(learnScript().includes('dumpe2fs -h'));
  const learned = parseLearned(['U Id=cron.service', 'U Transient=no', ...SECTION]);
  assert.deepEqual(learned.units, ['cron.service'], 'the fs lines do not disturb the rest');
  assert.deepEqual(learned.volumes, [
    { device: 'vda1', mount: '/', errorsCount: 0, state: 'clean', sbErrorCount: 0 },
    { device: 'loop3', mount: '/srv/my vol', errorsCount: 2, superblockError: 'Bad magic number in super-block while trying to open /dev/remlite-vol' },
    { device: 'sdb1', mount: '/data' },
    { device: 'loop1', mount: '/srv/slow' },
  ]);
});

test('fsstate kept reads: fsread lines only say how old the lines after them are; kept and fresh lines parse the same; a lying fsread is refused', () => {
  const fresh = ['fsdev loop3 ext4 /srv/vol /dev/remlite-vol', 'fscnt errors_count 0', 'fsread sb fresh 1700009000', 'fssb Filesystem state:         clean', 'fsread klog fresh 1700009000', 'fsklogsrc dmesg', 'fsk [  150.500000] EXT4-fs error (device loop3): ext4_lookup:1855: x'];
  const kept = fresh.map((l) => l.replace(/^fsread (sb|klog) fresh 1700009000$/, 'fsread $1 cached 1700008700'));
  const warnings: string[] = [];
  const a = parseFsState(fresh, (w) => warnings.push(w), BOOT);
  const b = parseFsState(kept, (w) => warnings.push(w), BOOT);
  assert.deepEqual(warnings, []);
  assert.deepEqual(b.devices, a.devices, 'a kept read reports the very state a fresh one does');
  assert.deepEqual(a.devices, parseFsState(fresh.filter((l) => !l.startsWith('fsread ')), () => {}, BOOT).devices, 'and the same as a probe that keeps nothing');
  assert.deepEqual(a.reads, [{ of: 'loop3', fresh: true, atSec: 1700009000 }, { of: 'klog', fresh: true, atSec: 1700009000 }]);
  assert.deepEqual(b.reads, [{ of: 'loop3', fresh: false, atSec: 1700008700 }, { of: 'klog', fresh: false, atSec: 1700008700 }]);
  assert.equal(b.devices[0]?.state, 'clean');

  const lies: string[] = [];
  const c = parseFsState(['fsread sb cached 1700008700', 'fsdev sda1 ext4 / /dev/sda1', 'fsread sb stale 1', 'fsread disk cached 1', 'fsread sb cached -1', 'fsread klog cached 0', 'fssb Filesystem state: clean'], (w) => lies.push(w), BOOT);
  assert.equal(lies.length, 4, lies.join('\n'));
  assert.deepEqual(c.reads, [{ of: 'klog', fresh: false }], 'no device before the line, an unknown kind or word, a bad time: refused; time 0 is no time');
  assert.equal(c.devices[0]?.state, 'clean', 'the state lines after a refused fsread still count');
});

test('the probe keeps the superblock and kernel log reads on the heavy checks\' cadence, keyed on the accept; never with interval 0, never in the accept\'s capture', () => {
  const at = (intervalSec: number, acceptedAt?: string) => buildProbeScript([], NO_CHECKS, undefined, { intervalSec, ...(acceptedAt ? { acceptedAt } : {}) });
  const kept = at(300, ACCEPTED);
  assert.ok(kept.includes('FSI=300') && kept.includes('cmp -s -n 1024') && kept.includes('dmesg -S -s 4096'));
  assert.ok(kept.indexOf('HDOK=') < kept.indexOf('section fsstate'), 'the private directory is checked before the section uses it');
  const key = (s: string) => /^FSK=([0-9a-f]{16})$/m.exec(s)?.[1];
  assert.ok(key(kept));
  assert.notEqual(key(at(300, '2024-01-01T00:00:00.000Z')), key(kept), 'a new accept reuses nothing');
  assert.equal(key(at(300, ACCEPTED)), key(kept), 'the same accept and remlite: the same key');
  for (const s of [at(0, ACCEPTED), learnScript()]) {
    assert.ok(!s.includes('fsread') && !s.includes('FSK=') && !s.includes('cmp -s'), 'read every time');
    assert.ok(s.includes('dumpe2fs -h'));
  }
  assert.ok(!fsStateScript({ kernelLog: false, cache: { intervalSec: 300 } }).includes('dmesg'), 'the accept still never reads the kernel log');
});

// ---- the detector ---------------------------------------------------------------------------------

const MACHINE: Machine = { id: 'web1', name: 'web1', provider: 'datacenter', site: 'dc', pool: 'web', role: '', services: [], logs: [], origin: 'inv.yaml:1', checks: NO_CHECKS };

function dev(extra: Partial<FsDeviceState> = {}): FsDeviceState {
  return { device: 'loop3', source: '/dev/remlite-vol', mount: '/srv/vol', fstype: 'ext4', errorsCount: 0, state: 'clean', kernelErrors: [], ...extra };
}

function probeWith(devices: FsDeviceState[], extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname: 'web1', remoteTimeMs: BOOT + 9_000_000, uptimeSec: 9000, load1: 0, load5: 0, load15: 0, cpus: 2, memTotalBytes: 1, memAvailableBytes: 1,
    swapTotalBytes: 0, swapFreeBytes: 0, kernel: '6.1', init: 'systemd', services: [], warnings: [],
    volumes: devices.map((d) => ({ mount: d.mount, device: d.source, fstype: d.fstype, sizeBytes: 1, usedBytes: 0, availBytes: 1, inodesTotal: 1, inodesUsed: 0, readOnly: false })),
    fsState: devices,
    fsErrors: [],
    ...extra,
  };
}

function baseline(volumes?: LearnedVolume[]): HostBaseline {
  return { machineId: 'web1', acceptedAt: ACCEPTED, acceptedBy: 'ops', files: {}, modules: [], databases: {}, learned: { units: [], sockets: [], ...(volumes ? { volumes } : {}) } };
}

function detect(devices: FsDeviceState[], base?: HostBaseline, extra: Partial<HostProbe> = {}) {
  return detectFsErrors({ machine: MACHINE, poll: { machineId: 'web1', at: BOOT + 9_000_000, reach: 'ok', probe: probeWith(devices, extra) }, now: BOOT + 9_000_000, thresholds: DEFAULT_THRESHOLDS, ...(base ? { baseline: base } : {}) });
}

const CLEAN_AT_ACCEPT: LearnedVolume = { device: 'loop3', mount: '/srv/vol', errorsCount: 0, state: 'clean' };
const BAD_MAGIC = 'Bad magic number in super-block while trying to open /dev/remlite-vol';

test('fs-errors: a superblock overwritten since the accept is critical, names device and mount, and gives the offline fsck commands instead of a repair', () => {
  const [f, ...rest] = detect([dev({ state: undefined, superblockError: BAD_MAGIC })], baseline([CLEAN_AT_ACCEPT]));
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, 'critical');
  assert.equal(f.summary, 'superblock of loop3 (/srv/vol) unreadable');
  assert.equal(f.subject, 'loop3');
  assert.deepEqual(f.repairs, []);
  assert.equal(f.evidence[0], 'device /dev/remlite-vol (kernel loop3, ext4) mounted at /srv/vol');
  assert.ok(f.evidence.includes(`dumpe2fs -h /dev/remlite-vol: ${BAD_MAGIC}`), f.evidence.join(' | '));
  assert.ok(f.evidence.includes('on the host: umount /srv/vol && e2fsck -f /dev/remlite-vol && mount /srv/vol'), f.evidence.join(' | '));
  assert.deepEqual(detect([dev()], baseline([CLEAN_AT_ACCEPT])), [], 'clean now and then: nothing');
  const odd = detect([dev({ mount: "/srv/it's; rm", state: undefined, superblockError: BAD_MAGIC })]);
  assert.ok(odd[0]!.evidence.includes(`on the host: umount '/srv/it'\\''s; rm' && e2fsck -f /dev/remlite-vol && mount '/srv/it'\\''s; rm'`), odd[0]!.evidence.join(' | '));
});

test('fs-errors: what was already wrong at the accept is info; only new errors are critical', () => {
  const had: LearnedVolume = { device: 'loop3', mount: '/srv/vol', errorsCount: 3, state: 'clean with errors' };
  const same = detect([dev({ errorsCount: 3, state: 'clean with errors' })], baseline([had]));
  assert.deepEqual(same.map((f) => [f.severity, f.summary]), [['info', 'loop3 (/srv/vol) state: clean with errors']]);
  assert.ok(same[0]!.evidence.includes('accept the host again (A) once it is checked (fsck)'));
  const more = detect([dev({ errorsCount: 5, state: 'clean with errors', lastError: { atMs: acceptedMs + 60_000, where: 'ext4_lookup:1855' } })], baseline([had]));
  assert.deepEqual(more.map((f) => [f.severity, f.summary]), [['critical', 'filesystem errors on loop3 (/srv/vol): 5']]);
  assert.ok(more[0]!.evidence.includes(`2 new since the accept (${ACCEPTED})`), more[0]!.evidence.join(' | '));
  assert.ok(more[0]!.evidence.includes('last error 2023-11-14T22:31:00Z in ext4_lookup:1855'));
  const oldSb = detect([dev({ state: undefined, superblockError: BAD_MAGIC })], baseline([{ ...CLEAN_AT_ACCEPT, superblockError: BAD_MAGIC }]));
  assert.equal(oldSb[0]?.severity, 'info');
  const mountedSince = detect([dev({ errorsCount: 1 })], baseline([]));
  assert.equal(mountedSince[0]?.severity, 'critical', 'a filesystem mounted after the accept had no errors then');
  const noBaseline = detect([dev({ errorsCount: 1 })]);
  assert.equal(noBaseline[0]?.severity, 'critical', 'no baseline: every error counts');
});

test('fs-errors: kernel log errors naming the device count only after the accept; without a baseline they warn', () => {
  const before = { atMs: acceptedMs - 1000, text: '[ 7199.0] EXT4-fs error (device loop3): old' };
  const after = { atMs: acceptedMs + 5000, text: '[ 7205.0] Buffer I/O error on dev loop3, logical block 0' };
  const undated = { text: 'EXT4-fs error (device loop3): no time' };
  assert.deepEqual(detect([dev({ kernelErrors: [before, undated] })], baseline([CLEAN_AT_ACCEPT])).map((f) => f.severity), ['info']);
  const fresh = detect([dev({ kernelErrors: [before, after] })], baseline([CLEAN_AT_ACCEPT]));
  assert.deepEqual(fresh.map((f) => [f.severity, f.summary]), [['critical', '1 kernel log error naming loop3 (/srv/vol)']]);
  assert.ok(fresh[0]!.evidence.includes(`last: ${after.text}`), fresh[0]!.evidence.join(' | '));
  assert.deepEqual(detect([dev({ kernelErrors: [before] })]).map((f) => f.severity), ['warning']);
});

test('fs-errors: the root filesystem gets console guidance; a counter of an ext4 mounted elsewhere on the same kernel is not this host\'s', () => {
  const root = detect([dev({ device: 'vda1', source: '/dev/vda1', mount: '/', errorsCount: 1 })]);
  assert.ok(root[0]!.evidence.some((e) => e.includes('fsck.mode=force')), root[0]!.evidence.join(' | '));
  assert.ok(!root[0]!.evidence.some((e) => e.includes('umount')));
  assert.deepEqual(detect([dev()], undefined, { fsErrors: [{ device: 'loop7', count: 4 }] }), [], 'loop7 is no mount of this host');
  const legacy = detectFsErrors({ machine: MACHINE, poll: { machineId: 'web1', at: 0, reach: 'ok', probe: { ...probeWith([dev()]), fsState: undefined, fsErrors: [{ device: 'loop7', count: 4 }] } }, now: 0, thresholds: DEFAULT_THRESHOLDS });
  assert.equal(legacy[0]?.summary, 'filesystem errors on loop7: 4', 'a probe without the section still reports the counters');
});

test('the write gate knows a damaged volume under any node name', () => {
  const p = probeWith([dev({ state: undefined, superblockError: BAD_MAGIC })]);
  assert.equal(writeBlocker(p, '/srv/vol/app.db'), 'the superblock of loop3 (/srv/vol) is unreadable; check the volume first (fsck)');
  assert.equal(writeBlocker(probeWith([dev()]), '/srv/vol/app.db'), undefined);
});

test('a read-only mount whose device is damaged gets no remount-rw', async () => {
  const { detectFsReadOnly } = await import('../../src/matrix/fs-read-only.js');
  const ro = (d: FsDeviceState) => {
    const p = probeWith([d]);
    p.volumes = p.volumes.map((v) => ({ ...v, readOnly: true }));
    return detectFsReadOnly({ machine: MACHINE, poll: { machineId: 'web1', at: 0, reach: 'ok', probe: p }, now: 0, thresholds: DEFAULT_THRESHOLDS });
  };
  assert.deepEqual(ro(dev())[0]?.repairs.map((r) => r.action), ['fs.remount-rw']);
  const damaged = ro(dev({ state: undefined, superblockError: BAD_MAGIC }))[0]!;
  assert.deepEqual(damaged.repairs, []);
  assert.ok(damaged.evidence.includes('loop3 is damaged (see fs-errors): fsck first, no remount offered'), damaged.evidence.join(' | '));
});

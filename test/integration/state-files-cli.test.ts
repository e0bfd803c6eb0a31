// The real CLI and its state dir under hostile conditions: a full disk (a tiny tmpfs mounted as the
// state dir), a multi-hundred-MB audit log, rotation by the settings, symbolic links planted in the
// state dir, loose modes and stale temp files. Actions are user actions on this machine whose
// effect is a marker file, so "nothing ran" is a file that does not exist.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionPlan, AuditEntry } from '../../src/model/index.js';
import { createConsole } from '../../src/app/console.js';
import { localMachine } from '../../providers/local.js';
import type { Usage } from '../support/report-usage.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const USAGE_HOOK = join(process.cwd(), 'dist', 'test', 'support', 'report-usage.js');
const HOST = hostname();
const mounts: string[] = [];

after(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
});

interface Sandbox {
  dir: string;
  state: string;
  config: string;
  marker: string;
}

function sandbox(command?: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-statefiles-'));
  const state = join(dir, 'state');
  const config = join(dir, 'config');
  mkdirSync(state, { mode: 0o700 });
  mkdirSync(config, { mode: 0o700 });
  const marker = join(dir, 'marker');
  writeFileSync(join(config, 'actions.yaml'), `actions:\n  - name: mark\n    key: M\n    scope: host\n    command: |\n${(command ?? `touch ${marker}`).replace(/^/gm, '      ')}\n`);
  return { dir, state, config, marker };
}

function remlite(sb: Sandbox, args: string[], usage = false) {
  const report = join(sb.dir, 'usage.json');
  const env = { ...process.env, REMLITE_STATE_DIR: sb.state, REMLITE_CONFIG_DIR: sb.config, HOME: sb.dir, REMLITE_USAGE_REPORT: report };
  const r = spawnSync(process.execPath, [...(usage ? ['--import', USAGE_HOOK] : []), MAIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { ...r, usage: usage ? (JSON.parse(readFileSync(report, 'utf8')) as Usage) : undefined };
}

const repairMark = (sb: Sandbox) => remlite(sb, ['--no-ssh-config', 'repair', HOST, 'user:mark', '--yes']);

function entries(file: string): AuditEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
}

/** A valid audit line of exactly `bytes` bytes (newline included). */
function noteLine(bytes: number): string {
  const e = (note: string): string => JSON.stringify({ id: 'seed', phase: 'note', at: '2024-05-01T10:00:00.000Z', who: 't', machineId: '', host: '', action: 'seed', command: '', note }) + '\n';
  const pad = bytes - Buffer.byteLength(e(''));
  assert.ok(pad >= 0);
  return e('x'.repeat(pad));
}

/** Mounts a tmpfs of `size` bytes on `dir`, or answers why it cannot (not root, no mount). */
function mountTmpfs(dir: string, size: number): string | undefined {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot mount a tmpfs here: ${r.stderr || r.error?.message}`;
  mounts.push(dir);
  return undefined;
}

function umount(dir: string): void {
  spawnSync('umount', [dir]);
  mounts.splice(mounts.indexOf(dir), 1);
}

/** Fills the filesystem of `dir` with a file until it refuses (ENOSPC). */
function fillUp(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w', 0o600);
  const page = Buffer.alloc(4096, 0x7a);
  try {
    for (;;) writeSync(fd, page);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

test('a full disk: the action is refused before anything is sent, ENOSPC is named, the partial line is taken back', (t) => {
  const sb = sandbox();
  const why = mountTmpfs(sb.state, 64 * 1024);
  if (why) return t.skip(why);
  try {
    const audit = join(sb.state, 'audit.log');
    // 40 bytes free in the log's last page and no free page: the "started" line can only be written in part.
    const seed = noteLine(2 * 4096 - 40);
    writeFileSync(audit, seed, { mode: 0o600 });
    fillUp(sb.state);
    const r = repairMark(sb);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /remlite: mark on .* not run: audit log .*audit\.log could not be written \(\d+ of \d+ bytes\): no space left on the device \(ENOSPC\)/);
    assert.equal(existsSync(sb.marker), false, 'the command never ran');
    assert.equal(readFileSync(audit, 'utf8'), seed, 'the partial line was taken back: the log is as it was');
  } finally {
    umount(sb.state);
  }
});

test('an action that fills the disk: its "finished" cannot be written → stderr and exit 1, no partial line left', (t) => {
  // The command is long and prints 2,000 characters: its "finished" line cannot fit in what is left
  // of the page its "started" line went to, once the command has taken every free page.
  const sb0 = sandbox();
  const fill = `cat /dev/zero > ${join(sb0.state, 'fill')} 2>/dev/null # ${'p'.repeat(1000)}\nfor i in $(seq 1 20); do printf '%0100d\\n' "$i"; done\ntouch ${sb0.marker}`;
  writeFileSync(join(sb0.config, 'actions.yaml'), `actions:\n  - name: mark\n    key: M\n    scope: host\n    command: |\n${fill.replace(/^/gm, '      ')}\n`);
  const why = mountTmpfs(sb0.state, 64 * 1024);
  if (why) return t.skip(why);
  try {
    const r = repairMark(sb0);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /succeeded \(exit 0/, 'the action itself ran and succeeded');
    assert.match(r.stderr, /remlite: mark on .* ran \(exit 0\) but its "finished" entry is not in the audit log: .*ENOSPC/);
    assert.ok(existsSync(sb0.marker), 'the command ran');
    const logged = entries(join(sb0.state, 'audit.log'));
    assert.deepEqual(logged.map((e) => e.phase), ['started'], 'only the start is recorded, and no torn line follows it');
  } finally {
    umount(sb0.state);
  }
});

test('the console: both failures reach the status line as errors naming ENOSPC', async (t) => {
  const sb = sandbox();
  const why = mountTmpfs(sb.state, 64 * 1024);
  if (why) return t.skip(why);
  const core = createConsole({ machines: [localMachine()], auditPath: join(sb.state, 'audit.log'), pollIntervalMs: 3_600_000, probeTimeoutMs: 10_000, slowThresholdMs: 5000, maxConcurrent: 2, logScrollback: 100 });
  try {
    const plan = (command: string): ActionPlan => ({
      intent: { action: 'user:mark', machineId: 'local', params: {} },
      title: 'mark',
      hostName: 'local',
      command,
      expected: 'a marker',
      transport: 'local',
    });
    // The command takes every free page and prints 2,000 characters: its "finished" cannot be written.
    await core.intents.run(plan(`cat /dev/zero > ${join(sb.state, 'fill')} 2>/dev/null # ${'p'.repeat(1000)}\nfor i in $(seq 1 20); do printf '%0100d\\n' "$i"; done; touch ${sb.marker}`));
    assert.ok(existsSync(sb.marker));
    let notice = core.store.getState().notice;
    assert.equal(notice?.level, 'error', notice?.text);
    assert.match(notice?.text ?? '', /mark on local ran \(exit 0\) but its "finished" entry is not in the audit log: .*ENOSPC/);
    // Now the disk is full: the next action, whose "started" line is longer than what is left of the log's last page, is not run at all.
    const second = join(sb.dir, 'second-marker');
    await core.intents.run(plan(`touch ${second} # ${'q'.repeat(4000)}`));
    notice = core.store.getState().notice;
    assert.equal(notice?.level, 'error');
    assert.match(notice?.text ?? '', /mark on local not run: audit log .* no space left on the device \(ENOSPC\)/);
    assert.equal(existsSync(second), false);
    assert.deepEqual(entries(join(sb.state, 'audit.log')).map((e) => e.phase), ['started']);
  } finally {
    await core.close();
    umount(sb.state);
  }
});

test('check with a 600 MB audit log reads only its tail: bytes read and peak RSS measured by the kernel', () => {
  const sb = sandbox();
  const audit = join(sb.state, 'audit.log');
  try {
    const line = JSON.stringify({ id: 'x', phase: 'finished', at: '2024-05-01T10:00:00.000Z', who: 'ops@ws', machineId: 'web1', host: 'web1', action: 'service.restart', command: "systemctl restart 'apache2'", exitCode: 0 }) + '\n';
    const chunk = Buffer.from(line.repeat(Math.floor((1024 * 1024) / line.length)));
    const fd = openSync(audit, 'w', 0o600);
    let size = 0;
    while (size < 600 * 1024 * 1024) size += writeSync(fd, chunk);
    closeSync(fd);
    const r = remlite(sb, ['--no-ssh-config', 'check'], true);
    assert.match(r.stdout, /^REMLITE (OK|WARNING|CRITICAL)/, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /audit log/, 'a healthy long log is not reported');
    const usage = r.usage!;
    assert.ok(usage.rcharBytes < 64 * 1024 * 1024, `read ${usage.rcharBytes} bytes of a ${size}-byte log (and remlite's own code)`);
    assert.ok(usage.peakRssBytes < 200 * 1024 * 1024, `peak RSS ${usage.peakRssBytes} bytes`);
    assert.equal(statSync(audit).size, size, 'check appends nothing');
  } finally {
    rmSync(sb.dir, { recursive: true, force: true });
  }
});

test('rotation at auditMaxBytes: the old log becomes audit.log.1, N files kept, the rotation is the new log\'s first entry', () => {
  const sb = sandbox();
  writeFileSync(join(sb.config, 'config.json'), JSON.stringify({ auditMaxBytes: 65536, auditKeepFiles: 2 }), { mode: 0o600 });
  const audit = join(sb.state, 'audit.log');
  const sizes: number[] = [];
  for (let round = 0; round < 3; round++) {
    const seed = noteLine(70 * 1024 + round); // each round's log is over the limit: the next append rotates it
    writeFileSync(audit, seed, { mode: 0o600 });
    sizes.push(seed.length);
    const r = repairMark(sb);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const fresh = entries(audit);
    assert.deepEqual(fresh.map((e) => e.phase), ['note', 'started', 'finished']);
    assert.equal(fresh[0]!.action, 'audit.rotated');
    assert.match(fresh[0]!.note ?? '', new RegExp(`previous log \\(${seed.length} bytes, limit 65536\\) moved to .*audit\\.log\\.1`));
    if (round === 2) assert.match(fresh[0]!.note ?? '', /deleted the oldest, .*audit\.log\.2/);
  }
  assert.deepEqual(readdirSync(sb.state).filter((f) => f.startsWith('audit.log')).sort(), ['audit.log', 'audit.log.1', 'audit.log.2']);
  assert.equal(statSync(`${audit}.1`).size, sizes[2], 'newest rotated');
  assert.equal(statSync(`${audit}.2`).size, sizes[1]);
});

for (const [what, name, makeTarget] of [
  ['audit.log', 'audit.log', (p: string) => writeFileSync(p, noteLine(300))],
  ['baselines dir', 'baselines', (p: string) => mkdirSync(p)],
  ['fleet cache', 'fleet-cache.json', (p: string) => writeFileSync(p, '{"elsewhere":true}')],
] as const) {
  test(`a symlinked ${what} in the state dir is refused with its path and what to do; nothing is written through it`, () => {
    const sb = sandbox();
    const target = join(sb.dir, `target-${name}`);
    makeTarget(target);
    const before = statSync(target);
    const beforeContent = before.isFile() ? readFileSync(target, 'utf8') : readdirSync(target).join(',');
    const link = join(sb.state, name);
    symlinkSync(target, link);
    const r = repairMark(sb);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`remlite: ${link} is a symbolic link`), r.stderr);
    assert.match(r.stderr, /remlite does not use such a path in its own state .*: remove it \(rm /);
    assert.equal(existsSync(sb.marker), false, 'no action runs with a state dir it cannot trust');
    const now = statSync(target);
    assert.equal(now.isFile() ? readFileSync(target, 'utf8') : readdirSync(target).join(','), beforeContent, 'the link target is unchanged');
    assert.equal(now.mode, before.mode, 'not even its mode');
    assert.equal(readdirSync(sb.state).join(','), name, 'nothing else created');
  });
}

test('loose modes in the state dir are narrowed to 0600/0700 and reported; stale temp files are removed at start', () => {
  const sb = sandbox();
  chmodSync(sb.state, 0o755);
  const audit = join(sb.state, 'audit.log');
  writeFileSync(audit, noteLine(300));
  chmodSync(audit, 0o644);
  const host = join(sb.state, 'baselines', 'web1');
  mkdirSync(host, { recursive: true, mode: 0o755 });
  chmodSync(join(sb.state, 'baselines'), 0o777);
  writeFileSync(join(host, 'baseline.json'), '{}', { mode: 0o666 });
  chmodSync(join(host, 'baseline.json'), 0o666);
  // A kill between creating and renaming an atomic write's temp: its process (pid 2^22+1, beyond pid_max) is gone.
  const stale = join(sb.state, '.fleet-cache.json.tmp-4194305-0123abcd');
  writeFileSync(stale, 'half');
  const r = remlite(sb, ['--no-ssh-config', 'check']);
  assert.match(r.stdout, /^REMLITE (OK|WARNING|CRITICAL)/, r.stdout + r.stderr);
  assert.match(r.stderr, /remlite: warning: narrowed the mode of 5 paths other users could reach to 0600\/0700: /);
  assert.ok(r.stderr.includes(`${sb.state} (was 0755)`), r.stderr);
  for (const [p, mode] of [
    [sb.state, 0o700],
    [audit, 0o600],
    [join(sb.state, 'baselines'), 0o700],
    [host, 0o700],
    [join(host, 'baseline.json'), 0o600],
  ] as const)
    assert.equal(statSync(p).mode & 0o777, mode, p);
  assert.equal(existsSync(stale), false, 'the stale temp is gone');
  const again = remlite(sb, ['--no-ssh-config', 'check']);
  assert.doesNotMatch(again.stderr, /narrowed/, 'nothing left to narrow');
});

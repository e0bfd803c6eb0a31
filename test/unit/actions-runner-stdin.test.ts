// The runner sends stored copies on stdin (checksum verified first) and the preview runs read-only:
// on this machine, through the local transport, with real files in a temp dir.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole } from '../../src/app/console.js';
import type { Machine, PollResult } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'remlite-runner-'));
const stateDir = join(dir, 'state');
const data = join(dir, "srv/it's $(touch pwned).db");
const clean = join(dir, 'srv/tmp');
mkdirSync(clean, { recursive: true });
const good = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
writeFileSync(data, good);
chmodSync(data, 0o640);

const machine: Machine = {
  id: 'here',
  name: 'here',
  provider: 'local',
  site: 'local',
  pool: 'local',
  role: '',
  services: [],
  logs: [],
  origin: 'test',
  checks: { ...NO_CHECKS, dataPaths: [data], cleanupPaths: [clean] },
};

const core = createConsole({
  machines: [machine],
  auditPath: join(stateDir, 'audit.log'),
  pollIntervalMs: 60_000,
  probeTimeoutMs: 10_000,
  slowThresholdMs: 5000,
  maxConcurrent: 2,
  logScrollback: 10,
});
after(() => core.close());

// The planner takes mounts from the last probe: say the temp dir is a mount of its own.
const volume = (mount: string) => ({ mount, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 1, usedBytes: 1, availBytes: 0, inodesTotal: 1, inodesUsed: 1, readOnly: false });
const poll: PollResult = {
  machineId: 'here',
  at: Date.now(),
  reach: 'ok',
  probe: {
    hostname: 'here', remoteTimeMs: 0, uptimeSec: 1, load1: 0, load5: 0, load15: 0, cpus: 1, memTotalBytes: 1, memAvailableBytes: 1,
    swapTotalBytes: 0, swapFreeBytes: 0, kernel: '', init: 'systemd', volumes: [volume('/'), volume(join(dir, 'srv'))], services: [], warnings: [],
  },
};
core.store.getState().applyPolls([{ result: poll, findings: [] }]);

function planOf(action: string, params: Record<string, string>) {
  // Applied again at each plan, in the same tick: a real probe of this machine (after an accept or
  // a run) may have landed since and replaced the temp dir's mount.
  core.store.getState().applyPolls([{ result: { ...poll, at: Date.now() }, findings: [] }]);
  const r = core.intents.plan({ action, machineId: 'here', params });
  assert.ok('plan' in r, 'refused' in r ? r.refused : '');
  return r.plan;
}

const audit = () => readFileSync(join(stateDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('accept on this machine stores a verified copy and mode; the store shows who accepted', async () => {
  await core.intents.acceptBaseline({ machineId: 'here' });
  const b = core.baselines.load('here').baseline;
  assert.ok(b, core.store.getState().notice?.text);
  assert.equal(b.files[data]?.mode, '0640');
  assert.deepEqual(core.baselines.readCopy('here', b.files[data]!.copy!), good);
  assert.equal(core.store.getState().baselineInfo['here']?.acceptedAt, b.acceptedAt);
  assert.match(core.store.getState().notice?.text ?? '', /here: baseline accepted \(1 file\)/);
  const finished = audit().find((e) => e['action'] === 'baseline.accept' && e['phase'] === 'finished');
  assert.match(String(finished?.['command']), /^captured: data .*it's \$\(touch pwned\)\.db 0640 \S+:\S+ sha256 [0-9a-f]{16}$/);
});

test('data.restore sends the copy on stdin: the file is byte-identical again, nothing else ran', async () => {
  writeFileSync(data, 'garbage');
  chmodSync(data, 0o666);
  const plan = planOf('data.restore', { path: data });
  assert.equal(plan.input?.bytes, good.length);
  await core.intents.run(plan);
  const run = core.store.getState().actions[0];
  assert.equal(run?.state, 'succeeded', run?.result?.outputTail);
  assert.deepEqual(readFileSync(data), good);
  assert.equal(statSync(data).mode & 0o777, 0o640);
  assert.ok(!existsSync(join(process.cwd(), 'pwned')) && !existsSync('pwned'), 'the path was never evaluated by a shell');
  assert.deepEqual(readdirSync(join(dir, 'srv')).sort(), ["it's $(touch pwned).db", 'tmp']);
});

test('on the host, perms.restore and data.restore refuse a planted symlink and a directory others can write (exit 3); nothing changes', async () => {
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'root only');
  chmodSync(victim, 0o600);
  const perms = planOf('perms.restore', { path: data });
  const restore = planOf('data.restore', { path: data });
  assert.deepEqual(perms.preconditions, [`${join(dir, 'srv')} is a directory owned by root and writable by no one else`, `${data} is a regular file, not a symbolic link`]);
  const runOf = async (plan: typeof perms) => {
    await core.intents.run(plan);
    const r = core.store.getState().actions.find((a) => a.plan === plan);
    assert.equal(r?.state, 'failed');
    assert.equal(r?.result?.exitCode, 3, r?.result?.outputTail);
    return r?.result?.outputTail ?? '';
  };
  renameSync(data, `${data}.real`);
  symlinkSync(victim, data);
  assert.match(await runOf(perms), /remlite: precondition failed: .* is a regular file, not a symbolic link/);
  assert.match(await runOf(restore), /remlite: precondition failed: .* is a regular file \(or absent\), not a symbolic link/);
  assert.equal(statSync(victim).mode & 0o777, 0o600);
  assert.equal(readFileSync(victim, 'utf8'), 'root only');
  rmSync(data);
  renameSync(`${data}.real`, data);
  chmodSync(join(dir, 'srv'), 0o777);
  try {
    assert.match(await runOf(restore), /precondition failed: .*\/srv is a directory owned by root and writable by no one else/);
  } finally {
    chmodSync(join(dir, 'srv'), 0o755);
  }
  assert.deepEqual(readFileSync(data), good, 'the file is as the earlier restore left it');
  assert.ok(!readdirSync(join(dir, 'srv')).some((n) => n.includes('.remlite.')), 'no temp file left behind');
  // The runs re-probed this machine: put back the poll the later tests plan against.
  core.store.getState().applyPolls([{ result: { ...poll, at: Date.now() }, findings: [] }]);
});

test('a tampered stored copy is refused before anything runs, and the refusal is audited', async () => {
  const plan = planOf('data.restore', { path: data });
  writeFileSync(data, 'broken again');
  writeFileSync(join(core.baselines.hostDir('here'), 'files', plan.input!.baselineFile), 'evil content');
  await core.intents.run(plan);
  assert.equal(readFileSync(data, 'utf8'), 'broken again', 'the host was not touched');
  const refused = audit().filter((e) => e['phase'] === 'refused' && e['action'] === 'data.restore');
  assert.equal(refused.length, 1);
  assert.match(String(refused[0]?.['error']), /fails its checksum/);
  assert.match(core.store.getState().notice?.text ?? '', /refused: .*fails its checksum/);
  assert.doesNotMatch(readFileSync(join(stateDir, 'audit.log'), 'utf8'), /evil content|garbage/);
});

test('disk.cleanup preview counts the bytes of the files older than 7 days and deletes nothing; the run deletes exactly those files, never a link target', async () => {
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
  const outside = join(dir, 'outside.1');
  writeFileSync(outside, 'kept');
  utimesSync(outside, tenDaysAgo, tenDaysAgo);
  writeFileSync(join(clean, 'app.log.1'), Buffer.alloc(300_000));
  writeFileSync(join(clean, 'app.log.2.gz'), Buffer.alloc(1234));
  writeFileSync(join(clean, 'fresh.log.1'), Buffer.alloc(99));
  symlinkSync(outside, join(clean, 'link.1'));
  for (const f of ['app.log.1', 'app.log.2.gz']) utimesSync(join(clean, f), tenDaysAgo, tenDaysAgo);
  const plan = planOf('disk.cleanup', { mount: join(dir, 'srv') });
  assert.deepEqual(plan.preconditions, [`${clean} is absent, or a directory reached through no symlink`]);
  const text = await core.intents.preview(plan);
  assert.match(text, /^would free 294\.2 KiB \(301234 bytes\) in 2 files\n/);
  assert.match(text, /app\.log\.1/);
  assert.doesNotMatch(text, /fresh|link/);
  assert.equal(readdirSync(clean).length, 4);
  await core.intents.run(plan);
  assert.equal(core.store.getState().actions[0]?.state, 'succeeded');
  assert.deepEqual(readdirSync(clean).sort(), ['fresh.log.1', 'link.1']);
  assert.equal(readFileSync(outside, 'utf8'), 'kept');
});

test('pool scope: every host of the pool is accepted and reported; an empty pool is said so', async () => {
  await core.intents.acceptBaseline({ pool: 'local' });
  assert.equal(core.store.getState().notice?.text, 'pool local: baseline accepted for 1/1 hosts');
  await core.intents.acceptBaseline({ pool: 'nope' });
  assert.match(core.store.getState().notice?.text ?? '', /no host to accept for pool nope/);
});

test('baseline.accept-new captures only a check declared after the accept: the baseline keeps its entries and gains the new one; the content is neither shown nor audited', async () => {
  const before = core.baselines.load('here').baseline!;
  const added = join(dir, 'srv/added.conf');
  writeFileSync(added, 'listen 8080\n');
  chmodSync(added, 0o600);
  core.store.getState().setMachines([{ ...machine, checks: { ...machine.checks!, configs: [{ path: added }] } }]);
  const r = core.intents.plan({ action: 'baseline.accept-new', machineId: 'here', params: {} });
  assert.ok('plan' in r, 'refused' in r ? r.refused : '');
  assert.match(r.plan.command, /^sh -c /);
  assert.ok(r.plan.command.includes(added) && !r.plan.command.includes(data), 'only the new check is captured');
  await core.intents.run(r.plan);
  const run = core.store.getState().actions.find((a) => a.plan === r.plan);
  assert.equal(run?.state, 'succeeded', `${run?.result?.error ?? ''} ${run?.result?.outputTail ?? ''}`);
  assert.match(run?.result?.outputTail ?? '', /added to the baseline: config .*added\.conf 0600 /);
  const after = core.baselines.load('here').baseline!;
  assert.deepEqual(after.files[data], before.files[data], 'the accepted entry is kept as it was');
  assert.equal(after.acceptedAt, before.acceptedAt);
  assert.equal(after.files[added]?.kind, 'config');
  assert.deepEqual(core.baselines.readCopy('here', after.files[added]!.copy!), Buffer.from('listen 8080\n'));
  const finished = audit().find((e) => e['action'] === 'baseline.accept-new' && e['phase'] === 'finished');
  assert.ok(finished);
  assert.doesNotMatch(JSON.stringify(finished), /bGlzdGVu|listen 8080/, 'no content in the audit');
  const again = core.intents.plan({ action: 'baseline.accept-new', machineId: 'here', params: {} });
  assert.ok('refused' in again && /in its baseline already/.test(again.refused));
});

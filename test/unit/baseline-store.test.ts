import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineStore, safeFileName, sha256Of } from '../../src/baseline/store.js';
import { StatePathRefused } from '../../src/persist/no-follow.js';
import type { HostBaseline } from '../../src/model/index.js';

const fresh = () => new BaselineStore(mkdtempSync(join(tmpdir(), 'remlite-bl-')));

function baseline(machineId: string): HostBaseline {
  return {
    machineId,
    acceptedAt: '2025-01-02T03:04:05.000Z',
    acceptedBy: 'ops@desk',
    files: { '/etc/x.conf': { kind: 'config', sha256: 'a'.repeat(64), copy: 'a'.repeat(64), mode: '0644', owner: 'root', group: 'root', size: 3 } },
    modules: ['ext4'],
    databases: { app: { tables: ['users'] } },
  };
}

test('machine ids become safe, distinct file names that stay inside the baselines directory', () => {
  assert.equal(safeFileName('lab-web1'), 'lab-web1');
  assert.equal(safeFileName('../etc'), '%2E.%2Fetc');
  assert.equal(safeFileName('.'), '%2E');
  assert.equal(safeFileName('a/b'), 'a%2Fb');
  assert.notEqual(safeFileName('a/b'), safeFileName('a_b'));
  assert.equal(safeFileName('ops@db 1'), 'ops%40db%201');
  assert.throws(() => safeFileName(''));
  const s = fresh();
  assert.equal(join(s.hostDir('../../x'), '..'), s.root);
});

test('save then load round-trips; files 0600 and dirs 0700; no baseline answers nothing', async () => {
  const s = fresh();
  assert.deepEqual(s.load('web1'), {});
  await s.save(baseline('web1'));
  assert.deepEqual(s.load('web1').baseline, baseline('web1'));
  const dir = s.hostDir('web1');
  assert.equal(statSync(join(dir, 'baseline.json')).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(s.root).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'files')).mode & 0o777, 0o700);
});

test('a corrupt baseline.json is moved aside with a warning, never overwritten silently', async () => {
  const s = fresh();
  await s.save(baseline('web1'));
  const file = join(s.hostDir('web1'), 'baseline.json');
  writeFileSync(file, '{"machineId": "web1", "acceptedAt": ');
  const r = s.load('web1');
  assert.equal(r.baseline, undefined);
  assert.match(r.warning ?? '', /corrupt.*invalid JSON.*moved to .*baseline\.json\.corrupt-/);
  const aside = readdirSync(s.hostDir('web1')).filter((n) => n.startsWith('baseline.json.corrupt-'));
  assert.equal(aside.length, 1);
  assert.equal(readFileSync(join(s.hostDir('web1'), aside[0]!), 'utf8'), '{"machineId": "web1", "acceptedAt": ');
  assert.deepEqual(s.load('web1'), {});

  writeFileSync(file, JSON.stringify({ ...baseline('web1'), files: { '/x': { kind: 'weird' } } }));
  assert.match(s.load('web1').warning ?? '', /"files" is not a map/);
  writeFileSync(file, JSON.stringify(baseline('web2')));
  assert.match(s.load('web1').warning ?? '', /belongs to "web2"/);
});

test('copies are content-addressed and verified: a tampered copy is refused', async () => {
  const s = fresh();
  const content = Buffer.from([0, 1, 2, 255, 10, 13]);
  const sha = await s.putCopy('web1', content);
  assert.equal(sha, sha256Of(content));
  assert.deepEqual(s.readCopy('web1', sha), content);
  assert.equal(statSync(join(s.hostDir('web1'), 'files', sha)).mode & 0o777, 0o600);
  assert.equal(await s.putCopy('web1', content), sha, 'same content, same copy');
  assert.ok(s.hasCopy('web1', sha));
  writeFileSync(join(s.hostDir('web1'), 'files', sha), 'evil');
  assert.throws(() => s.readCopy('web1', sha), /fails its checksum/);
  assert.throws(() => s.readCopy('web1', 'b'.repeat(64)), /no stored copy/);
  assert.throws(() => s.readCopy('web1', '../baseline.json'), /not a sha256/);
});

test('pruneCopies removes copies the new baseline no longer names', async () => {
  const s = fresh();
  const keep = await s.putCopy('web1', Buffer.from('keep'));
  const drop = await s.putCopy('web1', Buffer.from('drop'));
  const b = baseline('web1');
  b.files = { '/k': { kind: 'data', copy: keep, sha256: keep } };
  assert.equal(s.pruneCopies(b), 1);
  assert.ok(s.hasCopy('web1', keep));
  assert.ok(!s.hasCopy('web1', drop));
});

test('dumps: newest two kept per database, newest found and verified', async () => {
  const s = fresh();
  const t = Date.parse('2025-03-01T10:00:00.000Z');
  await s.putDump('db1', 'app', 'one', new Date(t));
  await s.putDump('db1', 'app', 'two', new Date(t + 1000));
  await s.putDump('db1', 'other', 'x', new Date(t + 5000));
  const third = await s.putDump('db1', 'app', 'three', new Date(t + 2000));
  const same = await s.putDump('db1', 'app', 'four', new Date(t + 2000));
  assert.notEqual(third, same, 'a dump in the same millisecond gets its own name');
  const names = readdirSync(join(s.hostDir('db1'), 'dumps')).sort();
  assert.deepEqual(names, [third, same, 'other-2025-03-01T10-00-05-000Z.sql'].sort());
  const newest = s.newestDump('db1', 'app');
  assert.equal(newest?.name, same);
  assert.equal(newest?.sha256, sha256Of('four'));
  assert.equal(newest?.bytes, 4);
  assert.equal(s.readDump('db1', same, sha256Of('four')).toString(), 'four');
  assert.throws(() => s.readDump('db1', same, sha256Of('other')), /does not match its checksum/);
  assert.throws(() => s.readDump('db1', '../baseline.json', 'x'), /not a dump name/);
  assert.equal(s.newestDump('db1', 'missing'), undefined);
  await assert.rejects(s.putDump('db1', 'x; rm -rf', 'x'), /not a database name/);
});

test('a symlinked baselines dir or host dir is refused: not read through, not written through', async () => {
  const state = mkdtempSync(join(tmpdir(), 'remlite-bl-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'remlite-bl-elsewhere-'));
  const store = new BaselineStore(state);
  mkdirSync(store.root);
  symlinkSync(elsewhere, store.hostDir('web1'));
  const b: HostBaseline = { machineId: 'web1', acceptedAt: '2024-05-01T10:00:00.000Z', acceptedBy: 'ops', files: {}, modules: [], databases: {} };
  writeFileSync(join(elsewhere, 'baseline.json'), JSON.stringify(b));
  assert.match(store.load('web1').warning ?? '', new RegExp(`baseline of web1 is unreadable \\(${store.hostDir('web1')} is a symbolic link`));
  await assert.rejects(store.save(b), StatePathRefused);
  await assert.rejects(store.putCopy('web1', Buffer.from('x')), StatePathRefused);
  assert.throws(() => store.readCopy('web1', sha256Of('x')), StatePathRefused);
  assert.deepEqual(readdirSync(elsewhere), ['baseline.json'], 'nothing written through the link');
  const linkedRoot = new BaselineStore(mkdtempSync(join(tmpdir(), 'remlite-bl-')));
  symlinkSync(elsewhere, linkedRoot.root);
  await assert.rejects(linkedRoot.save({ ...b, machineId: 'web2' }), StatePathRefused);
  assert.deepEqual(readdirSync(elsewhere), ['baseline.json']);
});

test('a stored copy replaced by a symbolic link is not read through it', async () => {
  const store = fresh();
  const sha = await store.putCopy('web1', Buffer.from('known good'));
  const copy = join(store.hostDir('web1'), 'files', sha);
  const target = join(mkdtempSync(join(tmpdir(), 'remlite-bl-elsewhere-')), 'x');
  writeFileSync(target, 'known good');
  rmSync(copy);
  symlinkSync(target, copy);
  assert.throws(() => store.readCopy('web1', sha), /no stored copy .* is a symbolic link/);
});

test('a host without a baseline loads as none, whether the baselines dir, its host dir or its file is missing; a linked baselines dir is still refused', async () => {
  const store = fresh();
  assert.deepEqual(store.load('web1'), {}, 'no baselines dir');
  await store.save(baseline('web2'));
  assert.deepEqual(store.load('web1'), {}, 'no host dir');
  mkdirSync(store.hostDir('web3'));
  assert.deepEqual(store.load('web3'), {}, 'a host dir without baseline.json');
  assert.equal(store.load('web2').baseline?.machineId, 'web2');
  const elsewhere = mkdtempSync(join(tmpdir(), 'remlite-bl-elsewhere-'));
  const linked = new BaselineStore(mkdtempSync(join(tmpdir(), 'remlite-bl-')));
  symlinkSync(elsewhere, linked.root);
  assert.match(linked.load('web1').warning ?? '', /is a symbolic link/, 'refused before asking whether the host has one');
});

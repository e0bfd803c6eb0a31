import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareSettingsFile, prepareStateDir, tightenedWarning } from '../../src/persist/state-dir.js';
import { StatePathRefused } from '../../src/persist/no-follow.js';
import { removeStaleTemps } from '../../src/persist/atomic.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-statedir-'));
const refused = (p: string, why: RegExp) => (err: Error) => err instanceof StatePathRefused && err.message.startsWith(p + ' ') && why.test(err.message);

test('a missing state dir is created 0700 (parents too); a healthy one is left as it is', () => {
  const dir = path.join(tmp(), 'a', 'state');
  const report = prepareStateDir(dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.deepEqual(report, { tightened: [], staleTempsRemoved: [] });
  assert.equal(tightenedWarning(report), undefined);
});

test('a link anywhere in the state dir, or the dir itself a link, is refused with the path', () => {
  const root = tmp();
  const elsewhere = path.join(root, 'elsewhere');
  mkdirSync(elsewhere);
  const state = path.join(root, 'state');
  mkdirSync(path.join(state, 'baselines', 'web1', 'files'), { recursive: true });
  const deep = path.join(state, 'baselines', 'web1', 'files', 'abc');
  symlinkSync('/etc/passwd', deep);
  assert.throws(() => prepareStateDir(state), refused(deep, /is a symbolic link.*remove it \(rm /));
  const linkedState = path.join(root, 'linked-state');
  symlinkSync(elsewhere, linkedState);
  assert.throws(() => prepareStateDir(linkedState), refused(linkedState, /is a symbolic link \(set REMLITE_STATE_DIR to the real directory\)/));
  assert.deepEqual(readdirSync(elsewhere), [], 'nothing created through it');
});

test('another user\'s file in the state dir is refused, not narrowed', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to give a file away');
  const state = tmp();
  const file = path.join(state, 'audit.log');
  writeFileSync(file, '', { mode: 0o644 });
  chownSync(file, 4242, 4242);
  assert.throws(() => prepareStateDir(state), refused(file, /is owned by uid 4242, not by you \(uid 0\)/));
  assert.equal(statSync(file).mode & 0o777, 0o644);
});

test('loose modes are narrowed (group/other bits dropped, never added) and reported', () => {
  const state = tmp();
  chmodSync(state, 0o775);
  writeFileSync(path.join(state, 'fleet-cache.json'), '{}');
  chmodSync(path.join(state, 'fleet-cache.json'), 0o640);
  writeFileSync(path.join(state, 'audit.log'), '');
  chmodSync(path.join(state, 'audit.log'), 0o400); // narrower than 0600: left alone
  const report = prepareStateDir(state);
  assert.deepEqual(report.tightened, [
    { path: state, from: 0o775 },
    { path: path.join(state, 'fleet-cache.json'), from: 0o640 },
  ]);
  assert.equal(statSync(state).mode & 0o777, 0o700);
  assert.equal(statSync(path.join(state, 'fleet-cache.json')).mode & 0o777, 0o600);
  assert.equal(statSync(path.join(state, 'audit.log')).mode & 0o777, 0o400);
  assert.match(tightenedWarning(report) ?? '', /^narrowed the mode of 2 paths other users could reach to 0600\/0700: .* \(was 0775\), .*fleet-cache\.json \(was 0640\)$/);
});

test('the settings file: a link is refused, a loose mode narrowed, a missing one is fine', () => {
  const dir = tmp();
  const file = path.join(dir, 'config.json');
  assert.deepEqual(prepareSettingsFile(file).tightened, []);
  writeFileSync(file, '{}', { mode: 0o666 });
  chmodSync(file, 0o666);
  assert.deepEqual(prepareSettingsFile(file).tightened, [{ path: file, from: 0o666 }]);
  const linked = path.join(tmp(), 'config.json');
  symlinkSync(file, linked);
  assert.throws(() => prepareSettingsFile(linked), refused(linked, /is a symbolic link/));
});

test('stale temp files: a gone process\'s and an hour-old one go; a live process\'s and other files stay', () => {
  const dir = tmp();
  const gone = '.fleet-cache.json.tmp-4194305-0123abcd'; // beyond pid_max: no such process
  const live = `.fleet-cache.json.tmp-${process.ppid}-0123abcd`;
  const old = `.baseline.json.tmp-${process.ppid}-89abcdef`;
  const other = '.not-ours.tmp';
  for (const n of [gone, live, old, other, 'fleet-cache.json']) writeFileSync(path.join(dir, n), 'x');
  const hourAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
  utimesSync(path.join(dir, old), hourAgo, hourAgo);
  assert.deepEqual(removeStaleTemps(dir).sort(), [old, gone].sort());
  assert.deepEqual(readdirSync(dir).sort(), [other, live, 'fleet-cache.json'].sort());
  assert.ok(existsSync(path.join(dir, live)));
});

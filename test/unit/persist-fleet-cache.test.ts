import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PollResult } from '../../src/model/index.js';
import {
  buildFleetCache,
  FLEET_CACHE_MAX_BYTES,
  FleetCacheWriter,
  fleetCachePath,
  loadFleetCache,
  saveFleetCache,
} from '../../src/persist/fleet-cache.js';
import { createConsole } from '../../src/app/console.js';
import { createFleetStore } from '../../src/store/index.js';
import { hostRow } from '../../src/store/selectors.js';
import { machine, probe, service } from './views-fixtures.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-fleet-cache-'));

const okPoll = (id: string, at: number): PollResult => ({
  machineId: id,
  at,
  reach: 'ok',
  latencyMs: 12,
  probe: probe(id, { services: [service('nginx'), service('php-fpm', 'failed')] }),
});

test('the cache keeps machines and latest polls but never raw output, and round-trips through the file', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const web1 = machine('web1', 'web');
  const unreadable: PollResult = { machineId: 'db1', at: 5, reach: 'unreadable', error: 'no end marker', raw: 'SECRET-LOOKING RAW TEXT' };
  const cache = buildFleetCache([web1, machine('db1', 'db')], [okPoll('web1', 10), unreadable, okPoll('gone', 3)], 99);
  assert.equal(cache.polls.length, 2, 'polls of machines no longer in the fleet are dropped');
  await saveFleetCache(file, cache);
  assert.ok(!readFileSync(file, 'utf8').includes('SECRET-LOOKING'));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const loaded = loadFleetCache(file);
  assert.ok(loaded.ok);
  assert.deepEqual(loaded.cache.machines, [web1, machine('db1', 'db')]);
  assert.equal(loaded.cache.savedAt, 99);
  assert.deepEqual(loaded.cache.polls[0], okPoll('web1', 10));
  assert.equal(loaded.cache.polls[1]?.raw, undefined);
  assert.equal(loaded.cache.polls[1]?.error, 'no end marker');
});

test('a missing cache is reported as missing, a corrupt one is moved aside and ignored', () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const missing = loadFleetCache(file);
  assert.ok(!missing.ok && missing.missing);
  for (const bad of ['{"version":1,"savedAt":1,"machin', '{"version":7,"savedAt":1,"machines":[],"polls":[]}', '{"version":1,"savedAt":1,"machines":[{}],"polls":[]}']) {
    writeFileSync(file, bad);
    const r = loadFleetCache(file, 1234);
    assert.ok(!r.ok && !r.missing);
    assert.ok(r.reason.length > 0);
    assert.equal(r.movedTo, `${file}.corrupt-1234`);
    assert.ok(!existsSync(file));
    assert.equal(readFileSync(`${file}.corrupt-1234`, 'utf8'), bad);
  }
});

test('the writer writes only when something changed, and closeSync writes what is pending', async () => {
  const dir = path.join(tmp(), 'state', 'nested');
  const file = fleetCachePath(dir);
  let snapshots = 0;
  const writer = new FleetCacheWriter({
    file,
    everyMs: 60_000,
    snapshot: () => buildFleetCache([machine('web1', 'web')], [okPoll('web1', ++snapshots)], snapshots),
  });
  await writer.flush();
  assert.equal(snapshots, 0, 'nothing changed: nothing written');
  assert.ok(!existsSync(file));
  writer.markDirty();
  writer.markDirty();
  await writer.flush();
  assert.equal(snapshots, 1);
  const first = loadFleetCache(file);
  assert.ok(first.ok && first.cache.polls[0]?.at === 1);
  writer.markDirty();
  writer.closeSync();
  assert.equal(snapshots, 2);
  const second = loadFleetCache(file);
  assert.ok(second.ok && second.cache.polls[0]?.at === 2);
  writer.markDirty(); // after close: ignored
  writer.closeSync();
  assert.equal(snapshots, 2);
  assert.deepEqual(readdirSync(dir), ['fleet-cache.json']);
});

test('restored polls show as stale until a fresh poll replaces them; a fresh poll is never overwritten by the cache', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('web1', 'web'), machine('web2', 'web')]);
  const now = Date.now();
  store.getState().applyPolls([{ result: okPoll('web2', now), findings: [] }]);
  store.getState().restoreCached([
    { result: okPoll('web1', now - 1000), findings: [] },
    { result: okPoll('web2', now - 60_000), findings: [] },
  ]);
  const web1 = store.getState().hosts['web1']!;
  assert.equal(web1.cached, true);
  assert.equal(hostRow(web1, now).state, 'stale');
  assert.equal(hostRow(web1, now).stale, true);
  assert.notEqual(hostRow(web1, now).loadValue, undefined, 'the cached numbers are drawn');
  assert.equal(store.getState().hosts['web2']?.last?.at, now);
  store.getState().applyPolls([{ result: okPoll('web1', now + 5), findings: [] }]);
  const fresh = store.getState().hosts['web1']!;
  assert.equal(fresh.cached, undefined);
  assert.equal(hostRow(fresh, now + 5).state, 'ok');
});

test('the console loads the cache into its store with findings, and saves it again on close', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const m = machine('web1', 'web', { ssh: undefined, provider: 'datacenter' });
  await saveFleetCache(file, buildFleetCache([m], [okPoll('web1', Date.now() - 30_000)]));
  const core = createConsole({
    machines: [m, machine('web2', 'web', { ssh: undefined })],
    auditPath: path.join(dir, 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    slowThresholdMs: 1000,
    maxConcurrent: 4,
    logScrollback: 100,
    fleetCache: { file },
  });
  const h = core.store.getState().hosts['web1']!;
  assert.equal(h.cached, true);
  assert.equal(h.probe?.hostname, 'web1');
  assert.ok(h.findings.some((f) => f.subject === 'php-fpm' || f.summary.includes('php-fpm')), 'php-fpm failed is a finding');
  assert.equal(core.store.getState().hosts['web2']?.last, undefined);
  // A poll lands: the cache is dirty and is written on close.
  core.store.getState().applyPolls([{ result: okPoll('web2', Date.now()), findings: [] }]);
  await core.close();
  const again = loadFleetCache(file);
  assert.ok(again.ok);
  assert.deepEqual(again.cache.polls.map((p) => p.machineId).sort(), ['web1', 'web2']);
});

test('a corrupt cache does not stop the console: it is moved aside and the operator is told', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  writeFileSync(file, 'not json');
  const core = createConsole({
    machines: [machine('web1', 'web', { ssh: undefined })],
    auditPath: path.join(dir, 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    slowThresholdMs: 1000,
    maxConcurrent: 4,
    logScrollback: 100,
    fleetCache: { file },
  });
  assert.match(core.store.getState().notice?.text ?? '', /fleet cache ignored/);
  assert.ok(readdirSync(dir).some((f) => f.startsWith('fleet-cache.json.corrupt-')));
  await core.close();
});

test('a cache over the size cap is not read: the console says so and leaves it for the next save to replace', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  // Sparse: the cap is checked on the size before a byte is read, so its content never matters.
  writeFileSync(file, '');
  truncateSync(file, FLEET_CACHE_MAX_BYTES + 1);
  const load = loadFleetCache(file);
  assert.deepEqual(load, { ok: false, missing: false, reason: `${file} is ${FLEET_CACHE_MAX_BYTES + 1} bytes, over the ${FLEET_CACHE_MAX_BYTES}-byte cap: not read` });
  const core = createConsole({
    machines: [machine('web1', 'web', { ssh: undefined })],
    auditPath: path.join(dir, 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    slowThresholdMs: 1000,
    maxConcurrent: 4,
    logScrollback: 100,
    fleetCache: { file },
  });
  assert.match(core.store.getState().notice?.text ?? '', /fleet cache ignored \(.* over the 33554432-byte cap: not read\); left in place/);
  assert.equal(statSync(file).size, FLEET_CACHE_MAX_BYTES + 1, 'left in place');
  await core.close();
});

test('a symlinked cache is not followed: not read, not moved, its target untouched', () => {
  const dir = tmp();
  const target = path.join(dir, 'elsewhere.json');
  writeFileSync(target, JSON.stringify(buildFleetCache([machine('web1', 'web')], [])));
  const file = fleetCachePath(path.join(dir, 'state'));
  mkdirSync(path.dirname(file));
  symlinkSync(target, file);
  const load = loadFleetCache(file);
  assert.equal(load.ok, false);
  assert.match(!load.ok && !load.missing ? load.reason : '', /is a symbolic link, not followed/);
  assert.ok(lstatSync(file).isSymbolicLink(), 'not moved aside');
});

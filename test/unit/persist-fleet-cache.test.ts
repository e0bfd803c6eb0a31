import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Finding, PollResult } from '../../src/model/index.js';
import {
  buildFleetCache,
  FLEET_CACHE_MAX_BYTES,
  type FleetCache,
  FleetCacheWriter,
  fleetCachePath,
  loadFleetCache,
  saveFleetCache,
} from '../../src/persist/fleet-cache.js';
import { consoleOver } from './cache-console.js';
import { createFleetStore } from '../../src/store/index.js';
import { hostRow } from '../../src/store/selectors.js';
import { machine, okPoll } from './views-fixtures.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-fleet-cache-'));

test('the cache keeps machines and latest polls but never raw output, and round-trips through the file', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const web1 = machine('web1', 'web');
  const unreadable: PollResult = { machineId: 'db1', at: 5, reach: 'unreadable', error: 'no end marker', raw: 'SECRET-LOOKING RAW TEXT' };
  const cache = buildFleetCache([web1, machine('db1', 'db')], [okPoll('web1', 10), unreadable, okPoll('gone', 3)], { savedAt: 99 });
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
    snapshot: () => buildFleetCache([machine('web1', 'web')], [okPoll('web1', ++snapshots)], { savedAt: snapshots }),
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
  const core = consoleOver(file, [m, machine('web2', 'web', { ssh: undefined })]);
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
  const core = consoleOver(file, [machine('web1', 'web', { ssh: undefined })]);
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
  const core = consoleOver(file, [machine('web1', 'web', { ssh: undefined })]);
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

const shown = (id: string, summary: string, severity: Finding['severity'] = 'critical'): Finding => ({
  machineId: id,
  class: 'config-drift',
  severity,
  summary,
  evidence: ['seen then'],
  repairs: [{ action: 'config.restore', params: { path: '/etc/x.conf' }, label: 'Restore /etc/x.conf' }],
});

test('the console saves what it showed (own and derived findings apart) and the next start shows the same before any poll', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const m = machine('web1', 'web', { ssh: undefined, provider: 'datacenter' });
  const first = consoleOver(file, [m]);
  const own = shown('web1', 'drift the detectors need the baseline to see');
  const derived = shown('web1', 'clients cannot reach its export', 'warning');
  first.store.getState().applyPolls([{ result: okPoll('web1', Date.now()), findings: [own] }], () => new Map([['web1', [derived]]]));
  await first.close();
  const saved = loadFleetCache(file);
  assert.ok(saved.ok);
  assert.deepEqual(saved.cache.findings, { web1: { own: [own], derived: [derived] } });

  const second = consoleOver(file, [m]);
  const h = second.store.getState().hosts['web1']!;
  assert.equal(h.cached, true);
  assert.deepEqual(h.findings, [own, derived], 'as saved, not recomputed (php-fpm failed in the poll is not among them)');
  assert.deepEqual(h.derived, [derived]);
  assert.equal(h.severity, 'critical');
  // The first fresh poll replaces them, and the derived ones go with the fleet that derived them.
  second.store.getState().applyPolls([{ result: okPoll('web1', Date.now() + 1), findings: [] }], () => new Map());
  assert.deepEqual(second.store.getState().hosts['web1']!.findings, []);
  await second.close();
});

test('a machine declared differently since the save gets its findings recomputed from the cached poll', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const before = machine('web1', 'web', { ssh: undefined, provider: 'datacenter' });
  await saveFleetCache(file, buildFleetCache([before], [okPoll('web1', Date.now() - 30_000)], { findings: { web1: { own: [shown('web1', 'from the old declaration')] } } }));
  const same = consoleOver(file, [before]);
  assert.deepEqual(same.store.getState().hosts['web1']!.findings.map((f) => f.summary), ['from the old declaration']);
  await same.close();
  await saveFleetCache(file, buildFleetCache([before], [okPoll('web1', Date.now() - 30_000)], { findings: { web1: { own: [shown('web1', 'from the old declaration')] } } }));
  const changed = consoleOver(file, [{ ...before, pool: 'edge' }]);
  const findings = changed.store.getState().hosts['web1']!.findings;
  assert.ok(!findings.some((f) => f.summary === 'from the old declaration'));
  assert.ok(findings.some((f) => f.summary.includes('php-fpm')), 'recomputed: php-fpm failed in the cached poll');
  await changed.close();
});

test('a host named like an Object property ("constructor") without saved findings gets them recomputed, not the prototype\'s', async () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const m = machine('constructor', 'web', { ssh: undefined, provider: 'datacenter' });
  await saveFleetCache(file, buildFleetCache([m], [okPoll('constructor', Date.now() - 30_000)], { findings: {} }));
  const core = consoleOver(file, [m]);
  const h = core.store.getState().hosts['constructor']!;
  assert.equal(h.cached, true);
  assert.ok(h.findings.some((f) => f.summary.includes('php-fpm')), 'recomputed from the cached poll');
  await core.close();
});

test('cached findings of the wrong shape make the cache unreadable (moved aside), never half-drawn', () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const good = buildFleetCache([machine('web1', 'web')], [okPoll('web1', 1)], { findings: { web1: { own: [shown('web1', 'x')] } } });
  const bad: [string, (c: FleetCache) => void][] = [
    ['findings is not a map', (c) => (c.findings = [] as never)],
    ['are not lists', (c) => (c.findings!['web1']!.own = {} as never)],
    ['names another machine', (c) => (c.findings!['web1']!.own[0]!.machineId = 'db1')],
    ['no class, summary or severity', (c) => (c.findings!['web1']!.own[0]!.severity = 'dire' as never)],
    ['bad evidence or subject', (c) => (c.findings!['web1']!.own[0]!.evidence = [1] as never)],
    ['a bad repair', (c) => (c.findings!['web1']!.own[0]!.repairs[0]!.params = { path: 7 } as never)],
  ];
  for (const [reason, spoil] of bad) {
    const c = structuredClone(good);
    spoil(c);
    writeFileSync(file, JSON.stringify(c));
    const r = loadFleetCache(file, 5);
    assert.ok(!r.ok && !r.missing, reason);
    assert.match(r.reason, new RegExp(reason));
    assert.equal(r.movedTo, `${file}.corrupt-5`);
  }
});

test('the first paint of a cache with findings loads no detector; a cache without them does', () => {
  const dir = tmp();
  const withFindings = path.join(dir, 'with.json');
  const without = path.join(dir, 'without.json');
  const m = machine('web1', 'web');
  writeFileSync(withFindings, JSON.stringify(buildFleetCache([m], [okPoll('web1', 1)], { findings: { web1: { own: [shown('web1', 'as saved')] } } })));
  writeFileSync(without, JSON.stringify(buildFleetCache([m], [okPoll('web1', 1)])));
  // A resolve hook refusing every module of src/matrix: a paint that needs the detectors fails on it.
  const hook = `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/src/matrix/')) throw new Error('detectors loaded: ' + r.url); return r; }"));`,
  )}`;
  const restore = new URL('../../src/app/cache-restore.js', import.meta.url).href;
  const paint = (cacheFile: string) =>
    spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', `const { storeFromCache } = await import(${JSON.stringify(restore)}); const s = await storeFromCache(JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(cacheFile)}, 'utf8'))); console.log(s.getState().hosts.web1.findings.map((f) => f.summary).join('|'));`], { encoding: 'utf8' });
  const fast = paint(withFindings);
  assert.equal(fast.status, 0, fast.stderr);
  assert.equal(fast.stdout.trim(), 'as saved');
  const slow = paint(without);
  assert.notEqual(slow.status, 0);
  assert.match(slow.stderr, /detectors loaded: .*\/src\/matrix\//);
});

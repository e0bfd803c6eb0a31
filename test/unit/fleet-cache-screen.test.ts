// The fleet cache's screen line: the grid's first rows and the fleet's counts a console leaves on
// close, which the next start's first frame draws without parsing the cache itself. They must be
// what the full restore gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Finding, Machine } from '../../src/model/index.js';
import { buildFleetCache, FleetCacheWriter, fleetCachePath, fleetCacheText, loadFleetCache, readFleetCache, saveFleetCacheSync } from '../../src/persist/fleet-cache.js';
import { consoleOver } from './cache-console.js';
import { restoredRows, storeFromCache } from '../../src/app/cache-restore.js';
import { checkFirstFrameRows, checkScreenRows, fillsScreen, firstFrameRows, screenKeep } from '../../src/store/screen-rows.js';
import { hostRowsOf } from '../../src/store/selectors.js';
import { firstPaintFrame } from '../../views/terminal/first-paint.js';
import { INITIAL_GRID_UI } from '../../views/grid-columns.js';
import { DEFAULT_THEME } from '../../views/theme.js';
import { machine, okPoll } from './views-fixtures.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-cache-screen-'));

const finding = (machineId: string, severity: Finding['severity']): Finding => ({
  machineId,
  class: 'service-down',
  severity,
  summary: `php-fpm on ${machineId} is failed`,
  evidence: ['systemctl is-active php-fpm: failed'],
  repairs: [],
});

/** A fleet that closed after polls of every kind: answered with findings, unreachable, never polled, a cloud instance. */
async function closedConsole(file: string): Promise<Machine[]> {
  const machines = [
    machine('web1', 'web'),
    machine('web2', 'web'),
    machine('db1', 'db'),
    machine('i-0abc', 'app', { provider: 'ec2', cloud: { instanceId: 'i-0abc', region: 'eu-west-1', account: 'default', state: 'running', stateReason: '', instanceType: 't3.small', az: 'eu-west-1a', launchTime: '2026-12-01T00:00:00Z', tags: {}, volumes: [] } }),
  ];
  const c = consoleOver(file, machines);
  const now = Date.now();
  c.store.getState().applyPolls(
    [
      { result: okPoll('web1', now - 40_000), findings: [finding('web1', 'critical')] },
      { result: { machineId: 'web2', at: now - 30_000, reach: 'unreachable' }, findings: [] },
      { result: okPoll('i-0abc', now - 20_000), findings: [finding('i-0abc', 'warning')] },
    ],
    () => new Map(),
  );
  await c.close();
  return machines;
}

test('a console leaves the rows and counts the full restore gives on the cache file first line, and the first frame drawn from them is the same', async () => {
  const file = fleetCachePath(tmp());
  await closedConsole(file);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.split('\n').length, 2, 'the screen line, then the cache');

  const read = readFleetCache(file);
  const kept = checkFirstFrameRows(read.screen());
  assert.ok(kept, 'the screen line is read back as rows and counts');
  const rows = kept.rows;
  const loaded = read.load();
  assert.ok(loaded.ok);
  assert.deepEqual(loaded, loadFleetCache(file), 'the cache behind it reads as loadFleetCache reads it');
  const now = Date.now();
  const store = await storeFromCache(loaded.cache);
  assert.deepEqual(kept, firstFrameRows(hostRowsOf(store.getState(), now)));
  assert.deepEqual(rows.map((r) => [r.id, r.state, r.health]), [
    ['db1', 'pending', 'unknown'],
    ['i-0abc', 'stale', 'warning'],
    ['web1', 'stale', 'critical'],
    ['web2', 'unreachable', 'critical'],
  ]);
  assert.equal(kept.cloud, true);
  assert.deepEqual([kept.summary.total, kept.summary.critical, kept.summary.warning, kept.summary.findings], [4, 2, 1, 2]);

  const paint = (input: Pick<Parameters<typeof firstPaintFrame>[0], 'data' | 'screen'>) => firstPaintFrame({ ...input, theme: DEFAULT_THEME, columns: 120, rows: 30, now });
  assert.equal(paint({ data: { readOnly: false, providers: {} }, screen: kept }), paint({ data: store.getState(), screen: firstFrameRows(hostRowsOf(store.getState(), now)) }));
});

test('the line keeps a screen of rows and half again, in the grid\'s first order: the first frame of a bigger fleet is the same', async () => {
  // The first frame draws the grid's initial order; the kept rows are its first ones only while that order is by name.
  assert.deepEqual({ ...INITIAL_GRID_UI }, { filter: '', sortKey: 'name', sortDesc: false, groupByPool: false });
  assert.deepEqual([screenKeep(undefined), screenKeep(24), screenKeep(40), screenKeep(100)], [60, 60, 60, 150]);
  const machines = Array.from({ length: 150 }, (_, i) => machine(`web${String(149 - i).padStart(3, '0')}`, i % 2 ? 'web' : 'app'));
  const now = Date.now();
  const cache = buildFleetCache(machines, machines.slice(0, 100).map((m, i) => okPoll(m.id, now - 1000 - i)), { findings: Object.fromEntries(machines.map((m, i) => [m.id, { own: i % 7 ? [] : [finding(m.id, 'critical')] }])) });
  const all = restoredRows(cache)!;
  const file = fleetCachePath(tmp());
  saveFleetCacheSync(file, cache, firstFrameRows(all, screenKeep(40)));
  const kept = checkFirstFrameRows(readFleetCache(file).screen());
  assert.ok(kept);
  assert.deepEqual(kept.rows.map((r) => r.id), all.map((r) => r.id).sort().slice(0, 60));
  assert.deepEqual(kept.summary, firstFrameRows(all).summary, 'the counts are over the whole fleet');
  assert.ok(fillsScreen(kept, 40) && fillsScreen(kept, 60) && !fillsScreen(kept, 61), 'a taller terminal than kept for takes the whole cache');
  const whole = { data: { readOnly: false, providers: {} }, screen: firstFrameRows(all), theme: DEFAULT_THEME, columns: 100, now };
  const frame = firstPaintFrame({ ...whole, screen: kept, rows: 40 });
  assert.equal(frame, firstPaintFrame({ ...whole, rows: 40 }));
  assert.match(frame, /1\/150 sort:name/);
  assert.match(frame, /150 hosts/);
});

test('a cache saved without its findings gets no screen line: the next start recomputes them', () => {
  const cache = buildFleetCache([machine('web1', 'web')], [okPoll('web1', Date.now() - 1000)]);
  assert.equal(restoredRows(cache), undefined);
  assert.ok(restoredRows(buildFleetCache([machine('web1', 'web')], [okPoll('web1', Date.now() - 1000)], { findings: { web1: { own: [] } } })));
});

test('a damaged screen line is ignored and the cache behind it still loads; a cache of an earlier version has none', () => {
  const dir = tmp();
  const file = fleetCachePath(dir);
  const cache = buildFleetCache([machine('web1', 'web')], [okPoll('web1', 5)], { savedAt: 7, findings: { web1: { own: [] } } });
  writeFileSync(file, `{"screen":2,"rows":[{"kind":"ho\n${JSON.stringify(cache)}`);
  const damaged = readFleetCache(file);
  assert.equal(damaged.screen(), undefined);
  assert.deepEqual(damaged.load(), { ok: true, cache });

  // Version 1 held every row and no counts: read past, as an earlier version's line.
  writeFileSync(file, `{"screen":1,"rows":${JSON.stringify(restoredRows(cache))}}\n${JSON.stringify(cache)}`);
  const first = readFleetCache(file);
  assert.equal(first.screen(), undefined);
  assert.deepEqual(first.load(), { ok: true, cache });

  writeFileSync(file, JSON.stringify(cache));
  const older = readFleetCache(file);
  assert.equal(older.screen(), undefined);
  assert.deepEqual(older.load(), { ok: true, cache });

  // A good screen line over a damaged cache: the cache is moved aside as ever (the rows only ever fill one frame).
  writeFileSync(file, fleetCacheText(cache, firstFrameRows(restoredRows(cache)!)).replace(/\n.*/, '\n{"version":1,'));
  const behind = readFleetCache(file, 42);
  assert.ok(checkFirstFrameRows(behind.screen()));
  const load = behind.load();
  assert.ok(!load.ok && !load.missing && load.movedTo === `${file}.corrupt-42`, JSON.stringify(load));
  assert.equal(behind.load(), load, 'parsed once');
});

test('checkScreenRows refuses the whole line for one row that is not a grid row', () => {
  const cache = buildFleetCache([machine('web1', 'web'), machine('web2', 'web')], [okPoll('web1', 5)], { findings: { web1: { own: [] } } });
  const rows = JSON.parse(JSON.stringify(restoredRows(cache))) as Record<string, unknown>[];
  assert.equal(checkScreenRows(rows)?.length, 2);
  const broken = (change: (r: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
    change(copy[1]!);
    return checkScreenRows(copy);
  };
  assert.equal(broken((r) => delete r['name']), undefined);
  assert.equal(broken((r) => (r['state'] = 'fine')), undefined);
  assert.equal(broken((r) => (r['health'] = 'great')), undefined);
  assert.equal(broken((r) => (r['worst'] = 'toString')), undefined);
  assert.equal(broken((r) => (r['findings'] = -1)), undefined);
  assert.equal(broken((r) => (r['services'] = ['nginx', 3])), undefined);
  assert.equal(broken((r) => (r['lastAt'] = '5')), undefined);
  assert.equal(broken((r) => (r['marked'] = true)), undefined);
  assert.equal(broken((r) => (r['id'] = 'web1')), undefined, 'two rows of one host');
  assert.equal(checkScreenRows([null]), undefined);
});

test('checkFirstFrameRows refuses the line for counts that are not counts, fewer hosts than rows, or no cloud flag', () => {
  const cache = buildFleetCache([machine('web1', 'web'), machine('web2', 'web')], [okPoll('web1', 5)], { findings: { web1: { own: [] } } });
  const good = JSON.parse(JSON.stringify(firstFrameRows(restoredRows(cache)!))) as Record<string, unknown>;
  assert.equal(checkFirstFrameRows(good)?.rows.length, 2);
  const broken = (change: (v: Record<string, unknown> & { summary: Record<string, unknown> }) => void) => {
    const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown> & { summary: Record<string, unknown> };
    change(copy);
    return checkFirstFrameRows(copy);
  };
  assert.equal(broken((v) => (v.summary['total'] = 1)), undefined, 'fewer hosts than rows');
  assert.equal(broken((v) => (v.summary['critical'] = -1)), undefined);
  assert.equal(broken((v) => (v.summary['ok'] = 1.5)), undefined);
  assert.equal(broken((v) => delete v.summary['notProbed']), undefined);
  assert.equal(broken((v) => (v['summary'] = undefined as unknown as Record<string, unknown>)), undefined);
  assert.equal(broken((v) => (v['cloud'] = 'no')), undefined);
  assert.equal(broken((v) => (v['rows'] = {})), undefined);
  assert.equal(broken((v) => ((v['rows'] as Record<string, unknown>[])[0]!['kind'] = 'group')), undefined);
  for (const v of [undefined, null, [], 'rows', 7]) assert.equal(checkFirstFrameRows(v), undefined);
});

test('the close writes the screen line even with nothing new to save, and an earlier write still in flight cannot land over it', async () => {
  const file = fleetCachePath(tmp());
  const cache = buildFleetCache([machine('web1', 'web')], [okPoll('web1', 5)], { findings: { web1: { own: [] } } });
  let snapshots = 0;
  const writer = new FleetCacheWriter({ file, everyMs: 60_000, snapshot: () => (snapshots++, cache), screenOnClose: (c) => firstFrameRows(restoredRows(c)!) });
  writer.markDirty();
  const inFlight = writer.flush();
  writer.closeSync();
  await inFlight;
  assert.equal(snapshots, 2);
  assert.ok(checkFirstFrameRows(readFleetCache(file).screen()), 'the close wrote last');

  const quiet = fleetCachePath(tmp());
  new FleetCacheWriter({ file: quiet, everyMs: 60_000, snapshot: () => cache, screenOnClose: (c) => firstFrameRows(restoredRows(c)!) }).closeSync();
  assert.ok(checkFirstFrameRows(readFleetCache(quiet).screen()));
});

test('the cache behind the rows comes from the file the rows came from, even when a save replaces it in between', () => {
  const file = fleetCachePath(tmp());
  const first = buildFleetCache([machine('web1', 'web')], [okPoll('web1', 5)], { savedAt: 1, findings: { web1: { own: [] } } });
  saveFleetCacheSync(file, first, firstFrameRows(restoredRows(first)!));
  const read = readFleetCache(file);
  const second = buildFleetCache([machine('db1', 'db')], [okPoll('db1', 6)], { savedAt: 2, findings: { db1: { own: [] } } });
  saveFleetCacheSync(file, second, firstFrameRows(restoredRows(second)!));
  assert.deepEqual(checkFirstFrameRows(read.screen())?.rows.map((r) => r.id), ['web1']);
  assert.deepEqual(read.load(), { ok: true, cache: first });
  assert.deepEqual(loadFleetCache(file), { ok: true, cache: second });
});

test('a rows line longer than one read, and a cache without one ending in a line break or spread over lines, read whole', () => {
  const file = fleetCachePath(tmp());
  const machines = Array.from({ length: 600 }, (_, i) => machine(`web${i}`, 'web'));
  const cache = buildFleetCache(machines, machines.map((m) => okPoll(m.id, 5)), { savedAt: 3, findings: Object.fromEntries(machines.map((m) => [m.id, { own: [] }])) });
  saveFleetCacheSync(file, cache, firstFrameRows(restoredRows(cache)!));
  assert.ok(readFileSync(file, 'utf8').indexOf('\n') > 3 * 64 * 1024, 'the rows line spans several reads');
  const long = readFleetCache(file);
  assert.equal(checkFirstFrameRows(long.screen())?.rows.length, 600);
  assert.deepEqual(long.load(), { ok: true, cache });

  for (const text of [`${JSON.stringify(cache)}\n`, JSON.stringify(cache, null, 2)]) {
    writeFileSync(file, text);
    const older = readFleetCache(file);
    assert.equal(older.screen(), undefined);
    assert.deepEqual(older.load(), { ok: true, cache });
    assert.deepEqual(loadFleetCache(file), { ok: true, cache });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetRows, fleetSummary, nextRowChange, rowAgeMs, type HostRow } from '../../src/store/selectors.js';
import { formatAge } from '../../src/util/format-age.js';
import { formatBytes } from '../../src/util/format-bytes.js';
import { formatLoad } from '../../src/util/format-load.js';
import { fleetStore, NOW } from './views-fixtures.js';

const hostsOf = (rows: ReturnType<typeof fleetRows>) => rows.filter((r): r is HostRow => r.kind === 'host');
const names = (rows: ReturnType<typeof fleetRows>) => hostsOf(rows).map((r) => r.name);

test('formatters', () => {
  assert.equal(formatAge(3200), '3s');
  assert.equal(formatAge(125_000), '2m');
  assert.equal(formatAge(3 * 3600_000), '3h');
  assert.equal(formatAge(72 * 3600_000), '3d');
  assert.equal(formatLoad(0.4213), '0.42');
  assert.equal(formatLoad(12.34), '12.3');
  assert.equal(formatLoad(250.2), '250');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(40 * 1024 ** 3), '40.0 GiB');
});

test('rows carry state, numbers and health for every host', () => {
  const rows = hostsOf(fleetRows(fleetStore().getState(), { now: NOW }));
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  assert.deepEqual(names(rows), ['cache1', 'db1', 'new1', 'web1', 'web2']);

  assert.equal(by.web1?.state, 'ok');
  assert.equal(by.web1?.health, 'ok');
  assert.equal(by.web1?.loadValue, 0.42);
  assert.equal(Math.round(by.web1?.memPct ?? -1), 25);
  assert.equal(Math.round(by.web1?.diskPct ?? -1), 50);
  assert.equal(by.web1?.servicesOk, 2);
  assert.equal(by.web1?.servicesTotal, 2);
  assert.equal(formatAge(rowAgeMs(by.web1!, NOW) ?? -1), '3s');
  assert.equal(by.web1?.latencyMs, 40);
  assert.equal(by.web1?.stale, false);

  assert.equal(by.web2?.servicesOk, 1);
  assert.equal(by.web2?.findings, 1);
  assert.equal(by.web2?.worst, 'critical');
  assert.equal(by.web2?.health, 'critical');

  assert.equal(by.db1?.state, 'slow');
  assert.equal(by.db1?.health, 'warning');
  assert.equal(Math.round(by.db1?.diskPct ?? -1), 91);

  // Failed latest poll, older probe: old numbers shown, marked stale.
  assert.equal(by.cache1?.state, 'unreachable');
  assert.equal(by.cache1?.health, 'critical');
  assert.equal(by.cache1?.stale, true);
  assert.equal(formatLoad(by.cache1?.loadValue ?? -1), '0.10');
  assert.equal(formatAge(rowAgeMs(by.cache1!, NOW) ?? -1), '2s');

  assert.equal(by.new1?.state, 'pending');
  assert.equal(by.new1?.health, 'unknown');
  assert.equal(by.new1?.loadValue, undefined);
});

test('worst disk takes inodes into account', () => {
  const store = fleetStore();
  const s = store.getState();
  const p = s.hosts.web1?.probe;
  assert.ok(p);
  const v = p.volumes[0];
  assert.ok(v);
  s.applyPolls([{ result: { machineId: 'web1', at: NOW, reach: 'ok', probe: { ...p, volumes: [{ ...v, inodesUsed: v.inodesTotal * 0.97 }] } }, findings: [] }]);
  const row = hostsOf(fleetRows(store.getState(), { now: NOW })).find((r) => r.id === 'web1');
  assert.equal(Math.round(row?.diskPct ?? -1), 97);
});

test('an old successful poll makes the host stale', () => {
  const rows = hostsOf(fleetRows(fleetStore().getState(), { now: NOW + 10 * 60_000 }));
  const web1 = rows.find((r) => r.id === 'web1');
  assert.equal(web1?.state, 'stale');
  assert.equal(web1?.stale, true);
  assert.equal(web1?.health, 'unknown');
});

test('filter: substring over name/pool/site/provider/role, case-insensitive', () => {
  const st = fleetStore().getState();
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'WEB' })), ['web1', 'web2']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'ams' })), ['db1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'sshconfig' })), ['db1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'frontend' })), ['web1', 'web2']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'nothing-like-it' })), []);
});

test('filter: key:value forms', () => {
  const st = fleetStore().getState();
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'pool:cache' })), ['cache1', 'new1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'state:down' })), ['cache1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'state:slow' })), ['db1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'sev:critical' })), ['cache1', 'web2']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'sev:warning' })), ['cache1', 'db1', 'web2']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, filter: 'pool:web sev:crit' })), ['web2']);
});

test('sort keys and direction', () => {
  const st = fleetStore().getState();
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'name', sortDesc: true })), ['web2', 'web1', 'new1', 'db1', 'cache1']);
  // Load: biggest first by default, unknown (pending) last.
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'load' })), ['db1', 'web2', 'web1', 'cache1', 'new1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'load', sortDesc: false })), ['cache1', 'web1', 'web2', 'db1', 'new1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'health' })).slice(0, 3), ['cache1', 'web2', 'db1']);
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'disk' }))[0], 'db1');
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'latency' }))[0], 'db1');
  assert.deepEqual(names(fleetRows(st, { now: NOW, sortKey: 'mem' }))[0], 'db1');
});

test('group by pool inserts header rows with counts', () => {
  const rows = fleetRows(fleetStore().getState(), { now: NOW, groupByPool: true });
  const shape = rows.map((r) => (r.kind === 'group' ? `[${r.pool}:${r.count}:${r.critical}]` : r.name));
  assert.deepEqual(shape, ['[cache:2:1]', 'cache1', 'new1', '[db:1:0]', 'db1', '[web:2:1]', 'web1', 'web2']);
});

test('fleet summary counts health classes', () => {
  const s = fleetSummary(fleetStore().getState(), NOW);
  assert.deepEqual(s, { total: 5, ok: 1, warning: 1, critical: 2, unreachable: 1, pending: 1, findings: 2, notProbed: 0 });
});

test('the same host state read later turns stale at its threshold: a cached row follows the clock', () => {
  const st = fleetStore().getState();
  const web1At = (now: number) => hostsOf(fleetRows(st, { now, staleAfterMs: 60_000 })).find((r) => r.id === 'web1')!;
  const fresh = web1At(NOW);
  assert.equal(fresh.state, 'ok');
  const lastAt = fresh.lastAt!;
  assert.equal(web1At(lastAt + 60_000).state, 'ok', 'exactly at the threshold: not yet stale');
  assert.equal(web1At(lastAt + 60_001).state, 'stale');
  assert.equal(rowAgeMs(web1At(lastAt + 60_001), lastAt + 60_001), 60_001);
});

test('nextRowChange: the rows and the counts stay the same until the first fresh poll turns stale, and change right then', () => {
  const st = fleetStore().getState();
  const until = nextRowChange(st, NOW, 60_000);
  // The earliest successful poll among the fresh rows, plus the threshold: the moment its row turns stale.
  const fresh = hostsOf(fleetRows(st, { now: NOW, staleAfterMs: 60_000 })).filter((r) => r.lastAt !== undefined && r.state !== 'stale' && r.state !== 'unreachable');
  assert.ok(hostsOf(fleetRows(st, { now: NOW })).some((r) => r.state === 'unreachable'), 'a failed poll shows its failure, whatever its age: no change by the clock');
  assert.ok(fresh.length > 0);
  assert.equal(until, Math.min(...fresh.map((r) => r.lastAt!)) + 60_001);
  const view = (now: number) => JSON.stringify([fleetRows(st, { now, staleAfterMs: 60_000 }), fleetSummary(st, now)]);
  assert.equal(view(until - 1), view(NOW), 'nothing changes by the clock before then');
  assert.notEqual(view(until), view(NOW), 'a row turns stale at that moment');
  assert.ok(nextRowChange(st, until, 60_000) > until, 'the next change is later');
  assert.equal(nextRowChange({ hosts: {}, order: [] }, NOW), Number.POSITIVE_INFINITY);
  // Asked again within its answer's time, about another fleet: worked out for that fleet, not the last one's answer.
  const web1 = st.hosts['web1']!;
  const older = { ...st.hosts, web1: { ...web1, last: { ...web1.last!, at: web1.last!.at - 30_000 } } };
  assert.equal(nextRowChange(st, NOW, 60_000), until);
  assert.equal(nextRowChange({ hosts: older, order: st.order }, NOW, 60_000), web1.last!.at - 30_000 + 60_001);
});

test('sort by age: oldest poll first by default, youngest first ascending, never polled last', () => {
  const st = fleetStore().getState();
  const rows = hostsOf(fleetRows(st, { now: NOW, sortKey: 'age' }));
  const ages = rows.map((r) => rowAgeMs(r, NOW));
  assert.equal(ages.at(-1), undefined, 'the pending host sinks');
  const known = ages.filter((a): a is number => a !== undefined);
  assert.deepEqual(known, [...known].sort((a, b) => b - a));
  const asc = hostsOf(fleetRows(st, { now: NOW, sortKey: 'age', sortDesc: false })).map((r) => rowAgeMs(r, NOW)).filter((a) => a !== undefined);
  assert.deepEqual(asc, [...known].reverse());
});

test('a mark shows on its row only while the host is marked (the shared row is not changed)', () => {
  const st = fleetStore().getState();
  const marked = hostsOf(fleetRows({ ...st, marked: new Set(['web1']) }, { now: NOW })).find((r) => r.id === 'web1')!;
  assert.equal(marked.marked, true);
  const unmarked = hostsOf(fleetRows({ ...st, marked: new Set() }, { now: NOW })).find((r) => r.id === 'web1')!;
  assert.equal(unmarked.marked, undefined);
});

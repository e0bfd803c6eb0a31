import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostItems } from '../../providers/prometheus/host-items.js';
import { pollsOf } from '../../providers/prometheus/fleet-columns.js';
import { resolvePrometheusConfig } from '../../providers/prometheus/config.js';
import { fleetDefaults, mapColumns, mapFleet, type FleetAnswers } from '../../providers/prometheus/map.js';
import type { PromSample } from '../../providers/prometheus/http-query.js';
import type { QueryName } from '../../providers/prometheus/queries.js';

test('host items: found by host and key, one or two strings, a short list or (past 8 items) a Map, keys never confused', () => {
  const items = new HostItems();
  const a = items.add(0, '/', '/dev/vda1');
  const b = items.add(1, '/', '/dev/vda1');
  assert.deepEqual([a, b, items.hosts], [0, 1, [0, 1]]);
  assert.deepEqual(items.key(a), ['/', '/dev/vda1']);
  assert.equal(items.find(0, '/', '/dev/vda1'), a);
  assert.equal(items.find(1, '/', '/dev/vda1'), b, 'the same key on another host is another item');
  assert.equal(items.find(2, '/', '/dev/vda1'), -1, 'a host with no items');
  assert.equal(items.find(0, '/', '/dev/vdb1'), -1);
  assert.equal(items.find(0, '/dev/vda1', '/'), -1, 'the two strings are not interchangeable');
  // Many items on one host: past 8 they are kept in a Map; every one still found, and only its own.
  const many = Array.from({ length: 20 }, (_, i) => items.add(3, `/srv/${i}`, i % 2 ? 'x' : ''));
  many.forEach((item, i) => assert.equal(items.find(3, `/srv/${i}`, i % 2 ? 'x' : ''), item));
  assert.equal(items.find(3, '/srv/1', ''), -1);
  // A pair whose strings run together the same way is another key.
  const c = items.add(3, 'x\u0000y', '');
  const d = items.add(3, 'x', 'y\u0000');
  assert.notEqual(c, d);
  assert.deepEqual([items.find(3, 'x\u0000y', ''), items.find(3, 'x', 'y\u0000')], [c, d]);
});

const env = { home: '/home/op', localUser: 'op', fileExists: () => false };
const cfg = resolvePrometheusConfig({}, ['http://127.0.0.1:9090/'], env)!;
const SERVER = cfg.urls[0]!;
const NOW = 1_700_000_000_000;
const s = (metric: Record<string, string>, value: number): PromSample => ({ metric, value });

/** Three hosts named out of order, their filesystems and units interleaved in the answers, one with 12 filesystems and 10 units. */
function answers(): FleetAnswers {
  const inst = (h: string) => ({ instance: `${h}:9100` });
  const hosts = ['web3', 'web1', 'db2'];
  const mounts = (h: string) => (h === 'db2' ? Array.from({ length: 12 }, (_, i) => `/d${i}`) : ['/', '/var']);
  const units = (h: string) => (h === 'db2' ? Array.from({ length: 10 }, (_, i) => `u${i}.service`) : ['ssh.service', 'cron.service']);
  // Each fs answer lists mount by mount across the hosts (as Prometheus' label order sorts them), not host by host.
  const fsEach = (v: (h: string, m: number) => number, extra: Record<string, string> = {}) =>
    Array.from({ length: 12 }, (_, m) => hosts.filter((h) => m < mounts(h).length).map((h) => s({ ...inst(h), mountpoint: mounts(h)[m]!, device: `/dev/x${m}`, ...extra }, v(h, m)))).flat();
  const unitEach = (v: (h: string, u: number) => number, state?: (h: string, u: number) => string) =>
    Array.from({ length: 10 }, (_, u) => hosts.filter((h) => u < units(h).length).map((h) => s({ ...inst(h), name: units(h)[u]!, ...(state ? { state: state(h, u) } : {}) }, v(h, u)))).flat();
  const per = (v: (h: string) => number) => hosts.map((h) => s(inst(h), v(h)));
  const none: PromSample[] = [];
  const a: Record<QueryName, PromSample[]> = {
    targets: hosts.map((h) => s({ ...inst(h), job: 'node' }, h === 'web3' ? 0 : 1)),
    scrapeSec: per(() => 0.25),
    scrapedAt: per(() => NOW / 1000 - 1),
    uname: hosts.map((h) => s({ ...inst(h), nodename: `${h}.lan`, release: '6.1' }, 1)),
    expected: none,
    cpus: per(() => 2),
    'host.l1': per((h) => h.length),
    'host.l5': per(() => 0.5),
    'host.l15': per(() => 0.25),
    'host.mt': per(() => 100),
    'host.ma': per(() => 50),
    'host.st': none,
    'host.sf': none,
    'host.bt': per(() => NOW / 1000 - 100),
    'host.t': per(() => NOW / 1000),
    'host.tx': none,
    'fs.s': fsEach(() => 1000, { fstype: 'ext4' }),
    'fs.f': fsEach((_h, m) => 100 + m),
    'fs.a': fsEach((_h, m) => 50 + m),
    'fs.i': fsEach(() => 10),
    'fs.if': fsEach(() => 5),
    'fs.ro': fsEach(() => 1).filter((x) => x.metric['mountpoint'] === '/d7'),
    units: unitEach(() => 1, (_h, u) => (u === 9 ? 'failed' : 'active')),
    'unit.s': unitEach((_h, u) => 1_600_000_000 + u),
    'unit.r': unitEach((_h, u) => u).filter((x) => x.value > 0),
  };
  return a;
}

test('the columns give each host its own filesystems and units, in the order they came, hosts in name order', () => {
  const { machines, polls } = mapFleet(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.deepEqual(machines.map((m) => m.id), ['db2', 'web1', 'web3']);
  assert.deepEqual(polls.map((p) => [p.machineId, p.reach]), [['db2', 'ok'], ['web1', 'ok'], ['web3', 'unreachable']]);
  assert.equal(polls[2]!.error, 'Prometheus cannot scrape web3:9100 (up == 0)');
  const db2 = polls[0]!.probe!;
  assert.deepEqual(db2.volumes.map((v) => [v.mount, v.device, v.fstype, v.usedBytes, v.availBytes, v.inodesUsed, v.readOnly]), Array.from({ length: 12 }, (_, m) => [`/d${m}`, `/dev/x${m}`, 'ext4', 1000 - (100 + m), 50 + m, 5, m === 7]));
  assert.deepEqual(db2.services.map((u) => [u.name, u.active, u.sinceMs, u.restarts]), Array.from({ length: 10 }, (_, u) => [`u${u}`, u === 9 ? 'failed' : 'active', (1_600_000_000 + u) * 1000, u > 0 ? u : undefined]));
  const web1 = polls[1]!.probe!;
  assert.deepEqual(web1.volumes.map((v) => v.mount), ['/', '/var']);
  assert.deepEqual(web1.services.map((u) => u.name), ['ssh', 'cron']);
  assert.deepEqual([web1.hostname, web1.kernel, web1.load1, web1.cpus, web1.uptimeSec, polls[1]!.at, polls[1]!.latencyMs], ['web1.lan', '6.1', 4, 2, 100, NOW - 1000, 250]);
  assert.equal(Object.hasOwn(web1.services[0]!, 'restarts'), false, 'no restarts series: no restarts field');
});

test('the columns carry each distinct string once, and their polls are the mapping\'s polls', () => {
  const { columns } = mapColumns(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.equal(new Set(columns.strings).size, columns.strings.length);
  assert.equal(columns.fsStart.length, 4);
  assert.deepEqual([...columns.fsStart], [0, 12, 14, 16], 'db2 12 filesystems, web1 2, web3 2');
  assert.deepEqual([...columns.unitStart], [0, 10, 12, 14]);
  assert.deepEqual(pollsOf(columns), mapFleet(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW).polls);
});

test('what machines are made of: the same text for the same targets at another time, another for a changed label or setting', () => {
  const defaults = fleetDefaults(cfg, SERVER, env);
  const first = mapColumns(answers(), cfg, SERVER, defaults, NOW);
  assert.deepEqual(first.makeMachines(), mapFleet(answers(), cfg, SERVER, defaults, NOW).machines);
  assert.equal(mapColumns(answers(), cfg, SERVER, defaults, NOW + 15_000).machinesInput, first.machinesInput, 'a later refresh of the same targets');
  const moved = answers();
  moved.targets = (moved.targets as PromSample[]).map((t) => (t.metric['instance'] === 'web1:9100' ? s({ ...t.metric, pool: 'edge' }, t.value) : t));
  const changed = mapColumns(moved, cfg, SERVER, defaults, NOW);
  assert.notEqual(changed.machinesInput, first.machinesInput);
  assert.deepEqual(changed.makeMachines().map((m) => m.pool), ['node', 'edge', 'node']);
  const otherSsh = mapColumns(answers(), { ...cfg, ssh: { ...cfg.ssh, port: 2222 } }, SERVER, defaults, NOW);
  assert.notEqual(otherSsh.machinesInput, first.machinesInput, 'other settings, other machines');
  const declared = answers();
  declared.expected = [s({ instance: 'web1:9100', service: 'nginx' }, 1)];
  assert.notEqual(mapColumns(declared, cfg, SERVER, defaults, NOW).machinesInput, first.machinesInput, 'a service declared since');
});

test('polls made with the previous ones keep a host\'s services array while its units are as they were, and only then', () => {
  const defaults = fleetDefaults(cfg, SERVER, env);
  const first = mapColumns(answers(), cfg, SERVER, defaults, NOW).columns;
  const before = pollsOf(first);
  const again = mapColumns(answers(), cfg, SERVER, defaults, NOW + 15_000).columns;
  const after = pollsOf(again, { columns: first, polls: before });
  assert.deepEqual(after, pollsOf(again), 'the same polls as made afresh');
  after.forEach((p, i) => p.probe && assert.equal(p.probe.services, before[i]!.probe!.services, `${p.machineId}: the same array`));
  // One unit of web1 failed since: its services are made anew, the other hosts' kept.
  const failed = answers();
  failed.units = (failed.units as PromSample[]).map((u) => (u.metric['instance'] === 'web1:9100' && u.metric['name'] === 'cron.service' ? s({ ...u.metric, state: 'failed' }, u.value) : u));
  const changed = mapColumns(failed, cfg, SERVER, defaults, NOW + 30_000).columns;
  const next = pollsOf(changed, { columns: again, polls: after });
  assert.deepEqual(next, pollsOf(changed));
  const web1 = next.findIndex((p) => p.machineId === 'web1');
  assert.notEqual(next[web1]!.probe!.services, after[web1]!.probe!.services);
  assert.equal(next[web1]!.probe!.services.find((u) => u.name === 'cron')?.active, 'failed');
  next.forEach((p, i) => i !== web1 && p.probe && assert.equal(p.probe.services, after[i]!.probe!.services));
  // Another host list: nothing is taken from the previous polls.
  const fewer = { columns: { ...again, names: again.names.slice(1) }, polls: after.slice(1) };
  pollsOf(again, fewer).forEach((p, i) => p.probe && assert.notEqual(p.probe.services, after[i]!.probe!.services));
});


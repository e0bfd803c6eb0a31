import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvePrometheusConfig } from '../../providers/prometheus/config.js';
import { fleetDefaults } from '../../providers/prometheus/map.js';
import { fleetQueries, SLOW_QUERIES, SLOW_QUERY_MAX_AGE_MS, type QueryName } from '../../providers/prometheus/queries.js';
import { forgetSlowAnswers, queryServer } from '../../providers/prometheus/server-query.js';

const env = { home: '/home/op', localUser: 'op', fileExists: () => false };
const T = 1_700_000_000_000;
const q = fleetQueries('node', 'instance');
const ALL = Object.keys(q).length;
const FAST = ALL - SLOW_QUERIES.length;

type Series = { metric: Record<string, string>; value: number };

/** A fleet as Prometheus would answer it: each host up, its clock, uname, CPUs and its filesystems. */
function fleet(hosts: { name: string; uname?: boolean; filesystems: string[] }[]): Partial<Record<QueryName, Series[]>> {
  const a: Partial<Record<QueryName, Series[]>> = {};
  const add = (n: QueryName, metric: Record<string, string>, value: number) => (a[n] ??= []).push({ metric, value });
  for (const h of hosts) {
    const instance = `${h.name}:9100`;
    add('targets', { __name__: 'up', instance, job: 'node' }, 1);
    add('host.t', { instance }, T / 1000);
    add('host.l5', { instance }, 0.5);
    if (h.uname !== false) add('uname', { instance, nodename: h.name, release: '6.1.0' }, 1);
    add('cpus', { instance }, 4);
    for (const mount of h.filesystems) {
      const fs = { instance, mountpoint: mount, device: `/dev/${mount.length}` };
      add('fs.s', { ...fs, fstype: 'ext4' }, 1000);
      add('fs.f', fs, 600);
      add('fs.a', fs, 500);
    }
  }
  return a;
}

/** A loopback Prometheus serving `answers` (mutable), counting the queries it is asked. */
async function fakePrometheus(answers: { current: Partial<Record<QueryName, Series[]>> }) {
  const asked: QueryName[] = [];
  const names = new Map(Object.entries(q).map(([n, promql]) => [promql, n as QueryName]));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const name = names.get(new URLSearchParams(body).get('query') ?? '');
      if (!name) return void res.writeHead(400).end('unexpected query');
      asked.push(name);
      const result = (answers.current[name] ?? []).map((s) => ({ metric: s.metric, value: [T / 1000, String(s.value)] }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cfg = resolvePrometheusConfig({ urls: [url] }, [], env)!;
  return {
    refresh: (now: number) => queryServer({ url, auth: cfg.auth, timeoutMs: 10_000 }, cfg, fleetDefaults(cfg, url, env), now),
    /** The queries asked since the last call. */
    asked: () => asked.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const volumes = (r: Awaited<ReturnType<Awaited<ReturnType<typeof fakePrometheus>>['refresh']>>, host: string) =>
  r.polls.find((p) => p.machineId === host)?.probe?.volumes.map((v) => `${v.mount} ${v.sizeBytes} ${v.fstype}`);

test('the slow answers are reused for SLOW_QUERY_MAX_AGE_MS, the others read every refresh, and the fleet maps the same', async (t) => {
  forgetSlowAnswers();
  const answers = { current: fleet([{ name: 'web1', filesystems: ['/', '/var'] }, { name: 'web2', filesystems: ['/'] }]) };
  const prom = await fakePrometheus(answers);
  t.after(() => prom.close());
  const first = await prom.refresh(T);
  assert.equal(prom.asked().length, ALL, 'the first refresh reads every query');
  const second = await prom.refresh(T + 60_000);
  const asked = prom.asked();
  assert.equal(asked.length, FAST, 'a minute later: only the queries that are not slow');
  assert.ok(!asked.some((n) => SLOW_QUERIES.includes(n)));
  const undated = (r: typeof first) => ({ ...r, polls: r.polls.map((p) => ({ ...p, at: 0 })) });
  assert.deepEqual(undated(second), undated(first), 'the kept answers give the same machines and polls');
  assert.deepEqual(volumes(second, 'web1'), ['/ 1000 ext4', '/var 1000 ext4']);
  assert.equal(second.polls.find((p) => p.machineId === 'web1')?.probe?.kernel, '6.1.0');
  await prom.refresh(T + SLOW_QUERY_MAX_AGE_MS);
  assert.equal(prom.asked().length, ALL, 'once they are SLOW_QUERY_MAX_AGE_MS old, all are read again');
  await prom.refresh(T + SLOW_QUERY_MAX_AGE_MS + 60_000);
  assert.equal(prom.asked().length, FAST, 'read again then, they are kept from then');
});

test('a host or filesystem the kept answers do not cover makes that refresh read them again', async (t) => {
  forgetSlowAnswers();
  const answers = { current: fleet([{ name: 'web1', filesystems: ['/'] }]) };
  const prom = await fakePrometheus(answers);
  t.after(() => prom.close());
  await prom.refresh(T);
  prom.asked();
  answers.current = fleet([{ name: 'web1', filesystems: ['/', '/srv'] }, { name: 'web3', filesystems: ['/'] }]);
  const r = await prom.refresh(T + 60_000);
  assert.equal(prom.asked().length, FAST + ALL, 'the fresh answers named what the kept ones lack: everything read again at once');
  assert.deepEqual(volumes(r, 'web1'), ['/ 1000 ext4', '/srv 1000 ext4'], 'the new filesystem has its size and type in the same refresh');
  assert.equal(r.polls.find((p) => p.machineId === 'web3')?.probe?.cpus, 4, 'the new host has its CPUs in the same refresh');
  await prom.refresh(T + 120_000);
  assert.equal(prom.asked().length, FAST, 'then they cover it again');
});

test('a host the slow answers never cover (no uname series) does not make every refresh read them again', async (t) => {
  forgetSlowAnswers();
  const answers = { current: fleet([{ name: 'web1', filesystems: ['/'] }, { name: 'bare', uname: false, filesystems: [] }]) };
  const prom = await fakePrometheus(answers);
  t.after(() => prom.close());
  await prom.refresh(T);
  prom.asked();
  const r = await prom.refresh(T + 60_000);
  assert.equal(prom.asked().length, FAST);
  assert.deepEqual(r.machines.map((m) => m.id), ['bare', 'web1']);
});

test('kept answers are per server and query set: another job reads its own', async (t) => {
  forgetSlowAnswers();
  const answers = { current: fleet([{ name: 'web1', filesystems: ['/'] }]) };
  const prom = await fakePrometheus(answers);
  t.after(() => prom.close());
  await prom.refresh(T);
  prom.asked();
  const other = await fakePrometheus(answers);
  t.after(() => other.close());
  await other.refresh(T + 1000);
  assert.equal(other.asked().length, ALL, 'another server (URL) does not reuse the first one\'s answers');
});

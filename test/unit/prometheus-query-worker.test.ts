import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvePrometheusConfig } from '../../providers/prometheus/config.js';
import { fleetDefaults } from '../../providers/prometheus/map.js';
import { fleetQueries } from '../../providers/prometheus/queries.js';
import { QueryWorker } from '../../providers/prometheus/query-worker.js';

const env = { home: '/home/op', localUser: 'op', fileExists: () => false };

/** A loopback HTTP server answering the fleet queries of two hosts as Prometheus would (aggregated label sets). */
async function fakePrometheus(fail?: string): Promise<{ url: string; close(): Promise<void> }> {
  const q = fleetQueries('node', 'instance');
  const v = (metric: Record<string, string>, value: number | string) => ({ metric, value: [1_700_000_000, String(value)] });
  const hosts = ['web1:9100', 'web2:9100'];
  // Every other query (other metrics, no host has them here) answers an empty vector.
  const answers: Record<string, unknown[]> = {
    [q.targets]: hosts.map((instance, i) => v({ __name__: 'up', instance, job: 'node', pool: 'web' }, i === 0 ? 1 : 0)),
    [q.scrapeSec]: hosts.map((instance) => v({ instance }, 0.01)),
    [q.scrapedAt]: hosts.map((instance) => v({ instance }, 1_699_999_998)),
    [q['host.l1']]: [v({ instance: hosts[0]! }, 0.5)],
    [q.uname]: [v({ instance: hosts[0]!, nodename: 'web1', release: '6.1' }, 1)],
    [q.cpus]: [v({ instance: hosts[0]! }, 4)],
    [q['fs.s']]: [v({ instance: hosts[0]!, mountpoint: '/', device: '/dev/vda1', fstype: 'ext4' }, 1000)],
    [q.units]: [v({ instance: hosts[0]!, name: 'cron.service', state: 'failed' }, 1)],
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      if (fail && query === q[fail as keyof typeof q]) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'too many samples' }));
        return;
      }
      if (!Object.values(q).includes(query)) return void res.writeHead(400).end(`unexpected query ${query}`);
      const result = answers[query] ?? [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function setup(url: string) {
  const cfg = resolvePrometheusConfig({ urls: [url] }, [], env)!;
  return { target: { url, auth: cfg.auth, timeoutMs: 10_000 }, cfg, defaults: fleetDefaults(cfg, url, env) };
}

test('the query worker maps a refresh off the main thread, exactly as the main thread would', async () => {
  const prom = await fakePrometheus();
  const threaded = new QueryWorker();
  try {
    assert.equal(threaded.threaded, true, 'the worker script is built beside its client');
    const { target, cfg, defaults } = setup(prom.url);
    const { machinesKey, ...inWorker } = await threaded.run(target, cfg, defaults);
    const onMain = await new QueryWorker(false).run(target, cfg, defaults);
    assert.deepEqual(inWorker, onMain);
    assert.match(machinesKey ?? '', /^[A-Za-z0-9+/]{43}=$/, 'the machines come keyed by their digest');
    assert.deepEqual(inWorker.machines.map((m) => m.id), ['web1', 'web2']);
    const web1 = inWorker.polls.find((p) => p.machineId === 'web1')!;
    assert.deepEqual([web1.reach, web1.probe?.cpus, web1.probe?.services[0]?.active], ['ok', 4, 'failed']);
    assert.equal(inWorker.polls.find((p) => p.machineId === 'web2')!.reach, 'unreachable');
  } finally {
    await threaded.close();
    await prom.close();
  }
});

test('machines the console already holds are not sent again; changed ones are', async () => {
  const prom = await fakePrometheus();
  const worker = new QueryWorker();
  try {
    const { target, cfg, defaults } = setup(prom.url);
    const first = await worker.run(target, cfg, defaults);
    const known = { key: first.machinesKey!, machines: first.machines };
    const same = await worker.run(target, cfg, defaults, known);
    assert.equal(same.machines, first.machines, 'the held machines, not a copy sent again');
    assert.equal(same.machinesKey, first.machinesKey);
    assert.notEqual(same.polls, first.polls, 'the polls always come');
    // Other SSH defaults: the machines differ, so they are sent.
    const other = await worker.run(target, cfg, { ...defaults, user: 'ops' }, known);
    assert.notEqual(other.machinesKey, first.machinesKey);
    assert.deepEqual(other.machines.map((m) => m.ssh?.user), ['ops', 'ops']);
    // A key the worker does not match (another server's, a stale one) gets the machines.
    const stale = await worker.run(target, cfg, defaults, { key: 'x', machines: [] });
    assert.deepEqual(stale.machines, first.machines);
  } finally {
    await worker.close();
    await prom.close();
  }
});

test('a query Prometheus refuses fails the refresh in the worker with its own reason, naming the query', async () => {
  const prom = await fakePrometheus('fs.a');
  const worker = new QueryWorker();
  try {
    const { target, cfg, defaults } = setup(prom.url);
    await assert.rejects(worker.run(target, cfg, defaults), /^Error: fs\.a query: query failed: unavailable: too many samples$/);
    // The worker survives a failed refresh: the next one is answered by it.
    const again = await worker.run(setup(prom.url).target, cfg, defaults).catch((err: Error) => err.message);
    assert.equal(again, 'fs.a query: query failed: unavailable: too many samples');
  } finally {
    await worker.close();
    await prom.close();
  }
});

test('closing the worker fails the refresh it held instead of leaving it waiting', async () => {
  // A server that never answers: the refresh is still waiting when the console closes.
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const worker = new QueryWorker();
  try {
    const { target, cfg, defaults } = setup(url);
    const failed = assert.rejects(worker.run(target, cfg, defaults), /the console is closing/);
    await worker.close();
    await failed;
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('an idle worker is stopped (its heap goes back to the system) and the next refresh starts another', async () => {
  const prom = await fakePrometheus();
  const worker = new QueryWorker(undefined, 20);
  try {
    const { target, cfg, defaults } = setup(prom.url);
    const first = await worker.run(target, cfg, defaults);
    assert.equal(worker.alive, true, 'kept right after a refresh');
    while (worker.alive) await new Promise<void>((resolve) => setImmediate(resolve));
    const again = await worker.run(target, cfg, defaults);
    assert.deepEqual(again.machines, first.machines);
  } finally {
    await worker.close();
    await prom.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposition, promFleet, valuesAt } from '../../bench/prom-fleet.js';
import { scaleConfig } from '../../bench/prometheus-scale.js';

test('the synthetic fleet: unique loopback addresses, one fault at most per host, each fault present', () => {
  const fleet = promFleet(10_000);
  assert.equal(new Set(fleet.map((h) => h.address)).size, 10_000);
  for (const h of fleet) assert.match(h.address, /^127\.80\.\d{1,3}\.\d{1,3}$/);
  const faults = new Map<string, number>();
  for (const h of fleet) if (h.fault) faults.set(h.fault, (faults.get(h.fault) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(faults), { unreachable: 20, 'disk-full': 50, 'inodes-full': 40, 'fs-read-only': 25, 'service-down': 34, 'clock-skew': 10 });
});

test('the exposition: families contiguous, a per-host up, nothing but up 0 for a down host, the clock from now', () => {
  const fleet = promFleet(1000);
  const body = exposition(fleet);
  const text = body.fixed + body.changing(1, 1_800_000_000);
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const names = lines.map((l) => l.slice(0, l.indexOf('{')));
  const blocks = names.filter((n, i) => n !== names[i - 1]);
  assert.equal(new Set(blocks).size, blocks.length, 'each family in one block');
  assert.equal(lines.filter((l) => l.startsWith('up{')).length, 1000);
  const down = fleet.find((h) => h.fault === 'unreachable')!;
  const downLines = lines.filter((l) => l.includes(`instance="${down.address}:9100"`));
  assert.deepEqual(downLines.map((l) => l.split('{')[0]), ['up']);
  assert.match(downLines[0]!, / 0$/);
  const skewed = fleet.find((h) => h.fault === 'clock-skew')!;
  assert.ok(lines.includes(`node_time_seconds{instance="${skewed.address}:9100",job="node",pool="${skewed.pool}",site="${skewed.site}"} 1800000120.000`));
});

test('the scrape config keeps the exporter series\' own labels (honor_labels) under another job name', () => {
  const cfg = scaleConfig('127.0.0.1:9999', 90);
  assert.match(cfg, /job_name: federate\n\s+honor_labels: true/);
  assert.match(cfg, /scrape_interval: 90s/);
});

test('the changing values move between scrapes for nearly every host and stay where no detector fires', () => {
  const fleet = promFleet(1000);
  const body = exposition(fleet);
  const values = (scrape: number) => {
    const byLabels = new Map<string, string>();
    for (const l of body.changing(scrape, 1_800_000_000).split('\n')) if (l && !l.startsWith('#') && !l.startsWith('node_time')) byLabels.set(l.slice(0, l.lastIndexOf(' ')), l.slice(l.lastIndexOf(' ') + 1));
    return byLabels;
  };
  const [a, b] = [values(1), values(2)];
  assert.equal(a.size, b.size);
  const moved = [...a].filter(([k, v]) => b.get(k) !== v).length;
  assert.ok(moved > a.size * 0.9, `${moved} of ${a.size} series changed`);
  for (let i = 0; i < 1000; i++)
    for (const s of [1, 2, 3, 500]) {
      const c = valuesAt(i, s);
      assert.ok(Math.max(...c.load) < 3 && c.memAvail >= 3 * 1024 ** 3 && c.fsUsed < 0.61 && c.inodeUsed < 0.21, `host ${i} scrape ${s}: ${JSON.stringify(c)}`);
    }
});

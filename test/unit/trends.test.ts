// Trends: the bounded ring, the fill-rate estimate, sparklines, the recorder, and the disk-full
// warning that carries a rate and a time to full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectContext } from '../../src/matrix/index.js';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { detectDiskFull } from '../../src/matrix/disk-full.js';
import { estimateFillRate, secondsToFull, type FillRate } from '../../src/matrix/fill-rate.js';
import type { HostProbe, Machine, PollResult, VolumeStatus } from '../../src/model/index.js';
import { TREND_SAMPLES, TREND_VOLUMES, TrendRecorder } from '../../src/poller/trend-recorder.js';
import { SampleRing } from '../../src/util/sample-ring.js';
import { sparkline } from '../../src/util/sparkline.js';
import { trendLine } from '../../views/trend-text.js';

const MiB = 1024 * 1024;
const T0 = 1_700_000_000_000;

// ---- the ring ----

test('SampleRing keeps at most its capacity, oldest overwritten, oldest first', () => {
  const ring = new SampleRing(4, 2);
  for (let i = 0; i < 10; i++) ring.push(i * 1000, [i, i * 10]);
  assert.equal(ring.size, 4);
  assert.deepEqual(ring.series(0), { at: [6000, 7000, 8000, 9000], values: [6, 7, 8, 9] });
  assert.deepEqual(ring.series(1).values, [60, 70, 80, 90]);
  assert.deepEqual(ring.series(0, 7500).values, [8, 9], 'only the samples since the given time');
  assert.equal(ring.lastAt(), 9000);
  assert.throws(() => new SampleRing(0, 1), /positive integer/);
});

test('SampleRing with a spacing: samples closer than it replace the newest, so the ring spans capacity × spacing', () => {
  const ring = new SampleRing(3, 1);
  for (let t = 0; t <= 10_000; t += 1000) ring.push(t, [t], 5000);
  // The newest sample moves with each push until it is 5 s past the one before it; then it stays and a new one starts.
  assert.deepEqual(ring.series(0).at, [4000, 8000, 10_000]);
  ring.push(10_500, [10_500], 5000);
  assert.deepEqual(ring.series(0).at, [4000, 8000, 10_500], 'the newest follows the latest sample');
  ring.push(13_000, [13_000], 5000);
  assert.deepEqual(ring.series(0).at, [8000, 10_500, 13_000], 'past the spacing a new sample is added and the oldest goes');
});

// ---- the fill rate ----

const series = (points: [number, number][]) => ({ at: points.map(([s]) => T0 + s * 1000), values: points.map(([, v]) => v) });

test('fill rate: a steady fill gives its rate by least squares, and the time to full from what is free', () => {
  const rate = estimateFillRate(series([[0, 100 * MiB], [10, 110 * MiB], [20, 120 * MiB], [30, 130 * MiB], [40, 140 * MiB]]));
  assert.ok(rate);
  assert.equal(Math.round(rate.bytesPerSec), MiB);
  assert.equal(rate.spanMs, 40_000);
  assert.equal(secondsToFull(60 * MiB, rate), 60);
});

test('fill rate: none for a shrinking, flat, too short, too small or noisy volume; a cleanup starts a new trend', () => {
  assert.equal(estimateFillRate(series([[0, 140 * MiB], [10, 130 * MiB], [20, 120 * MiB], [30, 110 * MiB]])), undefined, 'shrinking');
  assert.equal(estimateFillRate(series([[0, 100 * MiB], [20, 100 * MiB], [40, 100 * MiB]])), undefined, 'flat');
  assert.equal(estimateFillRate(series([[0, 100 * MiB], [5, 110 * MiB], [10, 120 * MiB]])), undefined, 'under 30 s');
  assert.equal(estimateFillRate(series([[0, 100 * MiB], [20, 100 * MiB + 4096], [40, 100 * MiB + 8192]])), undefined, 'a few KiB is noise');
  assert.equal(estimateFillRate(series([[0, 100 * MiB], [40, 130 * MiB]])), undefined, 'two samples are not a trend');
  const sawtooth = series([[0, 100 * MiB], [10, 160 * MiB], [20, 101 * MiB], [30, 161 * MiB], [40, 102 * MiB], [50, 162 * MiB], [60, 110 * MiB]]);
  assert.equal(estimateFillRate(sawtooth), undefined, 'up and down by more than noise: no trend since the last drop');
  const jitter = series([[0, 100 * MiB], [10, 103 * MiB], [20, 100.5 * MiB], [30, 102 * MiB], [40, 100.2 * MiB], [50, 101.4 * MiB]]);
  assert.equal(estimateFillRate(jitter), undefined, 'a poor fit (small drops under the noise floor kept) is no rate');
  const cleaned = series([[0, 900 * MiB], [10, 950 * MiB], [20, 100 * MiB], [30, 102 * MiB], [40, 104 * MiB], [50, 106 * MiB], [60, 108 * MiB]]);
  const after = estimateFillRate(cleaned);
  assert.ok(after, 'the fill after the cleanup is measured on its own');
  assert.equal(after.spanMs, 40_000);
  assert.ok(Math.abs(after.bytesPerSec - 0.2 * MiB) < 1);
  const gaps = series([[0, 100 * MiB], [10, Number.NaN], [20, 120 * MiB], [30, 130 * MiB], [40, 140 * MiB]]);
  assert.equal(Math.round(estimateFillRate(gaps)!.bytesPerSec), MiB, 'polls without a number are skipped');
});

// ---- sparklines ----

test('sparkline: blocks from the lowest to the highest, blanks for unknown, bucketed by peak to the width', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, { min: 0, max: 7 }), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([0, 50, 100], 10, { min: 0, max: 100 }), '▁▅█', 'never wider than the values');
  assert.equal(sparkline([10, Number.NaN, 10], 3, { min: 0, max: 10 }), '█ █');
  assert.equal(sparkline([0, 0, 0, 9, 0, 0], 2, { min: 0, max: 9 }), '▁█', 'a spike survives bucketing (peak per cell)');
  assert.equal(sparkline([5, 5, 5], 3), '███', 'without a scale: 0 to the highest value');
  assert.equal(sparkline([200, -5], 2, { min: 0, max: 100 }), '█▁', 'values beyond the scale are clamped');
  assert.equal(sparkline([1, 2], 0), '');
  assert.equal(sparkline([], 5), '');
});

// ---- the recorder ----

function vol(mount: string, usedBytes: number, sizeBytes = 1024 * MiB): VolumeStatus {
  return { mount, device: 'tmpfs', fstype: 'tmpfs', sizeBytes, usedBytes, availBytes: sizeBytes - usedBytes, inodesTotal: 100, inodesUsed: 1, readOnly: false };
}

function probe(extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname: 'web1', remoteTimeMs: T0, uptimeSec: 1, load1: 0.5, load5: 0.5, load15: 0.5, cpus: 2,
    memTotalBytes: 1000, memAvailableBytes: 250, swapTotalBytes: 0, swapFreeBytes: 0, kernel: '6', init: 'systemd',
    volumes: [vol('/', 512 * MiB)], services: [], warnings: [], ...extra,
  };
}

function poll(at: number, p?: HostProbe, machineId = 'web1'): PollResult {
  return p ? { machineId, at, reach: 'ok', latencyMs: 40, probe: p } : { machineId, at, reach: 'unreachable', error: 'no route' };
}

test('TrendRecorder: load, memory used %, worst disk used % and latency per poll; a failed poll is a gap', () => {
  const r = new TrendRecorder(60 * 60_000);
  r.record(poll(T0, probe({ load1: 1.5, volumes: [vol('/', 512 * MiB), vol('/srv', 900 * MiB)] })));
  r.record(poll(T0 + 30_000));
  r.record(poll(T0 + 60_000, probe({ load1: 0.25 })));
  const now = T0 + 60_000;
  assert.deepEqual(r.series('web1', 'load', now).values, [1.5, Number.NaN, 0.25]);
  assert.deepEqual(r.series('web1', 'mem', now).values, [75, Number.NaN, 75]);
  assert.equal(Math.round(r.series('web1', 'disk', now).values[0]!), 88, 'the fullest filesystem');
  assert.deepEqual(r.series('web1', 'latency', now).values, [40, Number.NaN, 40]);
  assert.equal(r.volume('web1', '/', now).values.length, 2);
  assert.deepEqual(r.volume('web1', '/', now + 61 * 60_000).values, [], 'outside the window');
  assert.deepEqual(r.volume('web1', '/srv', now).values, [], '/srv, unmounted since, no longer takes room');
  assert.deepEqual(r.series('other', 'load', now), { at: [], values: [] });
});

test('TrendRecorder stays bounded: 120 samples per host and per filesystem, 16 filesystems, 1,000 hosts polled for hours', () => {
  const r = new TrendRecorder(60 * 60_000);
  const many = Array.from({ length: 40 }, (_, i) => vol(`/v${i}`, i * MiB));
  for (let n = 0; n < 600; n++) {
    const at = T0 + n * 5000;
    for (let h = 0; h < 1000; h++) r.record(poll(at, probe({ volumes: h === 0 ? many : [vol('/', n * MiB)] }), `h${h}`));
  }
  const end = T0 + 599 * 5000;
  for (const id of ['h0', 'h500', 'h999']) assert.ok(r.series(id, 'load', end).values.length <= TREND_SAMPLES);
  assert.ok(r.series('h1', 'load', end).values.length >= TREND_SAMPLES - 1, 'spaced to span the window');
  const tracked = many.filter((v) => r.volume('h0', v.mount, end).values.length > 0);
  assert.equal(tracked.length, TREND_VOLUMES, 'the fullest 16 filesystems');
  assert.ok(tracked.every((v) => Number(v.mount.slice(2)) >= 40 - TREND_VOLUMES));
  r.keepOnly(new Set(['h1']));
  assert.equal(r.series('h0', 'load', end).values.length, 0, 'a host gone from the fleet is forgotten');
  assert.ok(r.series('h1', 'load', end).values.length > 0);
});

test('TrendRecorder: hosts and filesystems that come and go reuse the room of those gone, and none sees another\'s samples', () => {
  const r = new TrendRecorder(60 * 60_000);
  const round = (gen: number, at: number) => {
    for (let h = 0; h < 50; h++) r.record(poll(at, probe({ load1: gen, volumes: [vol(`/g${gen}`, (gen + 1) * MiB)] }), `g${gen}-h${h}`));
  };
  round(1, T0);
  round(1, T0 + 60_000);
  const heapBefore = process.memoryUsage().arrayBuffers;
  for (let gen = 2; gen < 200; gen++) {
    r.keepOnly(new Set());
    round(gen, T0 + gen * 60_000);
  }
  const end = T0 + 199 * 60_000;
  assert.deepEqual(r.series('g199-h7', 'load', end).values, [199], 'a new host starts empty: nothing of the host whose room it took');
  assert.deepEqual(r.volume('g199-h7', '/g199', end).values, [200 * MiB]);
  assert.deepEqual(r.series('g1-h7', 'load', end).values, [], 'a host gone is forgotten');
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 2 * 1024 * 1024, 'about 200 generations of 50 hosts fit in the room of one');
});

test('trendLine: a sparkline per metric with its current value, within the width; "collecting" before two samples', () => {
  const r = new TrendRecorder(60 * 60_000);
  r.record(poll(T0, probe({ load1: 0.5 })));
  assert.equal(trendLine(r, 'web1', T0, 80), 'trend 1h: collecting (sparklines from the second poll)');
  for (let i = 1; i < 10; i++) r.record(poll(T0 + i * 60_000, probe({ load1: i })));
  const line = trendLine(r, 'web1', T0 + 9 * 60_000, 80);
  assert.match(line, /^trend 1h {2}load [▁-█]{4,} 9\.00 {2}mem [▁-█]+ 75% {2}disk [▁-█]+ 50% {2}lat [▁-█]+ 40ms$/);
  assert.ok(Array.from(line).length <= 80, line);
  assert.equal(trendLine(undefined, 'web1', T0, 80), '');
});

// ---- disk-full with a fill rate ----

function diskCtx(usedPct: number, fillRate?: (mount: string) => FillRate | undefined): DetectContext {
  const machine: Machine = { id: 'web1', name: 'web1', provider: 'datacenter', site: 's', pool: 'web', role: 'web', services: [], logs: [], origin: 'test' };
  const p = probe({ volumes: [vol('/srv', usedPct * 10 * MiB, 1000 * MiB)] });
  return { machine, poll: poll(T0, p), now: T0, thresholds: DEFAULT_THRESHOLDS, ...(fillRate ? { fillRate } : {}) };
}

test('disk-full: a filling disk\'s warning gives its rate and time to full; without a rate, no estimate', () => {
  const rate: FillRate = { bytesPerSec: MiB / 6, spanMs: 120_000 };
  const [f] = detectDiskFull(diskCtx(88, (m) => (m === '/srv' ? rate : undefined)));
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.evidence.at(-1), 'filling at 10.0 MiB/min over the last 2m, full in about 12m at this rate');
  const [plain] = detectDiskFull(diskCtx(88));
  assert.ok(plain && !plain.evidence.some((e) => e.includes('filling')));
  assert.deepEqual(detectDiskFull(diskCtx(50, () => rate)), [], 'a rate alone raises nothing below the warning');
});

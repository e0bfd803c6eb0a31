import type { HostProbe, PollResult, TrendMetric, TrendReader, TrendSeries } from '../model/index.js';
import { SampleRing } from '../util/sample-ring.js';
import { TypedSlabs } from '../util/typed-slabs.js';

/** Samples kept per host (and per filesystem) whatever the window: the window sets their spacing. */
export const TREND_SAMPLES = 120;
/** Filesystems tracked per host (the fullest first when a host has more). */
export const TREND_VOLUMES = 16;

const COLUMN: Record<TrendMetric, number> = { load: 0, mem: 1, disk: 2, latency: 3 };
const EMPTY: TrendSeries = Object.freeze({ at: [], values: [] }) as TrendSeries;

interface HostRings {
  metrics: SampleRing;
  /** Used bytes per filesystem, in step with the metrics' samples (one clock per host). */
  volumes: Map<string, Float32Array>;
}

function memPct(p: HostProbe): number {
  return p.memTotalBytes > 0 ? ((p.memTotalBytes - p.memAvailableBytes) / p.memTotalBytes) * 100 : Number.NaN;
}

function worstDiskPct(p: HostProbe): number {
  let worst = Number.NaN;
  for (const v of p.volumes) {
    const total = v.usedBytes + v.availBytes;
    if (v.sizeBytes > 0 && total > 0 && !(v.usedBytes / total <= worst / 100)) worst = (v.usedBytes / total) * 100;
  }
  return worst;
}

/**
 * The bounded per-host history: a ring of TREND_SAMPLES samples per host, with a used-bytes column per
 * filesystem on the same clock (about 2.9 KB a host, plus 480 bytes a filesystem: 38 MB for 10,000
 * hosts of 2 filesystems), spaced windowMs / TREND_SAMPLES apart so the ring spans the window; the
 * newest sample always follows the latest poll.
 */
export class TrendRecorder implements TrendReader {
  private readonly hosts = new Map<string, HostRings>();
  /** Every ring's arrays: a host or filesystem gone gives its room to the next one. */
  private readonly slabs = new TypedSlabs();
  private readonly spacingMs: number;

  constructor(readonly windowMs: number) {
    this.spacingMs = windowMs / TREND_SAMPLES;
  }

  record(poll: PollResult): void {
    let rings = this.hosts.get(poll.machineId);
    if (!rings) this.hosts.set(poll.machineId, (rings = { metrics: new SampleRing(TREND_SAMPLES, 4, this.slabs), volumes: new Map() }));
    const p = poll.probe;
    const latency = poll.latencyMs ?? Number.NaN;
    const slot = rings.metrics.push(poll.at, p ? [p.load1, memPct(p), worstDiskPct(p), latency] : [Number.NaN, Number.NaN, Number.NaN, latency], this.spacingMs);
    // The slot may hold an older sample's values (the ring wrapped, or the newest is replaced): a filesystem this poll does not report has none there.
    for (const column of rings.volumes.values()) column[slot] = Number.NaN;
    if (!p) return;
    // The fullest first only when there are more than can be tracked: which ones get a column.
    let sized = 0;
    for (const v of p.volumes) if (v.sizeBytes > 0) sized++;
    const volumes = sized > TREND_VOLUMES ? p.volumes.filter((v) => v.sizeBytes > 0).sort((a, b) => b.usedBytes / b.sizeBytes - a.usedBytes / a.sizeBytes) : p.volumes;
    for (const v of volumes) {
      if (v.sizeBytes <= 0) continue;
      let column = rings.volumes.get(v.mount);
      if (!column) {
        if (rings.volumes.size >= TREND_VOLUMES) continue;
        rings.volumes.set(v.mount, (column = rings.metrics.column()));
      }
      column[slot] = v.usedBytes;
    }
    // A filesystem unmounted since stops taking room.
    if (rings.volumes.size > sized || sized > TREND_VOLUMES) {
      const mounted = new Set(volumes.filter((v) => v.sizeBytes > 0).map((v) => v.mount));
      for (const [mount, column] of rings.volumes) {
        if (mounted.has(mount)) continue;
        rings.volumes.delete(mount);
        rings.metrics.dropColumn(column);
      }
    }
  }

  /** Drops the history of hosts no longer in the fleet. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const [id, rings] of this.hosts) {
      if (present.has(id)) continue;
      this.hosts.delete(id);
      for (const column of rings.volumes.values()) rings.metrics.dropColumn(column);
      rings.metrics.release();
    }
  }

  series(machineId: string, metric: TrendMetric, now: number): TrendSeries {
    return this.hosts.get(machineId)?.metrics.series(COLUMN[metric], now - this.windowMs) ?? EMPTY;
  }

  volume(machineId: string, mount: string, now: number): TrendSeries {
    const rings = this.hosts.get(machineId);
    const column = rings?.volumes.get(mount);
    return rings && column ? rings.metrics.sideSeries(column, now - this.windowMs) : EMPTY;
  }
}

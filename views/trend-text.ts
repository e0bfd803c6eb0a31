// Trends as text (sparklines over the bounded per-host history), without Ink: the host view's trend
// line and the grid's TREND column.
import type { TrendMetric, TrendReader } from '../src/model/index.js';
import { formatAge } from '../src/util/format-age.js';
import { formatLoad } from '../src/util/format-load.js';
import { sparkline } from '../src/util/sparkline.js';
import { latencyText, pct } from './text.js';

const LABEL: Record<TrendMetric, string> = { load: 'load', mem: 'mem', disk: 'disk', latency: 'lat' };
/** Percentages are drawn on their whole scale; load and latency on their own range from 0. */
const SCALE: Record<TrendMetric, { min?: number; max?: number }> = { load: {}, mem: { min: 0, max: 100 }, disk: { min: 0, max: 100 }, latency: {} };

function current(metric: TrendMetric, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  if (metric === 'load') return formatLoad(v);
  if (metric === 'latency') return latencyText(v);
  return pct(v);
}

/** One metric of a host as a sparkline of at most `width` cells over the trend window. */
export function trendSpark(trends: TrendReader | undefined, machineId: string, metric: TrendMetric, now: number, width: number): string {
  const s = trends?.series(machineId, metric, now);
  return s && s.values.length > 1 ? sparkline(s.values, width, SCALE[metric]) : '';
}

/**
 * The host view's trend line: "trend 60m  load ▁▂▅ 0.42  mem ▃▃▄ 41%  disk ▅▅▆ 63%  lat ▁▂▁ 12ms",
 * the sparklines as wide as `width` allows (4 to 24 cells).
 */
export function trendLine(trends: TrendReader | undefined, machineId: string, now: number, width: number): string {
  if (!trends) return '';
  const head = `trend ${formatAge(trends.windowMs)}`;
  const metrics: TrendMetric[] = ['load', 'mem', 'disk', 'latency'];
  const series = metrics.map((m) => ({ m, s: trends.series(machineId, m, now) }));
  if (series.every(({ s }) => s.values.length < 2)) return `${head}: collecting (sparklines from the second poll)`;
  const tails = series.map(({ m, s }) => `${LABEL[m]} `.length + 1 + current(m, s.values[s.values.length - 1]).length);
  const fixed = head.length + tails.reduce((a, b) => a + b + 2, 0);
  const cells = Math.max(4, Math.min(24, Math.floor((width - fixed) / metrics.length)));
  const parts = series.map(({ m, s }) => `${LABEL[m]} ${s.values.length > 1 ? sparkline(s.values, cells, SCALE[m]) : ''} ${current(m, s.values[s.values.length - 1])}`);
  return [head, ...parts].join('  ');
}

/** One line of the bench table. */
export interface Figure {
  metric: string;
  target: string;
  unit: string;
  samples: number[];
  /** Pass, fail, or info (a baseline or a detail without a target). */
  verdict: 'PASS' | 'FAIL' | 'info';
  note?: string;
  /** CPU (user+sys) of the tool's own processes per cycle, ms, one per sample. */
  toolCpuMs?: number[];
  /** CPU of the hosts (sshd and the script under it) per cycle, ms. */
  hostCpuMs?: number[];
  /** Network bytes (both directions) per poll per host. */
  bytesPerHost?: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function fmt(n: number, unit: string): string {
  if (!Number.isFinite(n)) return '-';
  const v = Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
  return unit ? `${v} ${unit}` : v;
}

export function figure(metric: string, target: string, unit: string, samples: number[], ok?: (median: number) => boolean, note?: string): Figure {
  const m = median(samples);
  const verdict = ok === undefined ? 'info' : samples.length && ok(m) ? 'PASS' : 'FAIL';
  return { metric, target, unit, samples, verdict, ...(note ? { note } : {}) };
}

export function formatTable(rows: Figure[]): string {
  // The cost columns appear only when some row measured them.
  const costs = rows.some((r) => r.toolCpuMs || r.hostCpuMs || r.bytesPerHost !== undefined);
  const head = ['metric', 'target', 'median', 'min', 'max', 'runs', ...(costs ? ['tool cpu', 'host cpu', 'B/host/poll'] : []), 'verdict'];
  const body = rows.map((r) => [
    r.metric,
    r.target,
    fmt(median(r.samples), r.unit),
    fmt(Math.min(...r.samples), r.unit),
    fmt(Math.max(...r.samples), r.unit),
    String(r.samples.length),
    ...(costs ? [fmt(median(r.toolCpuMs ?? []), 'ms'), fmt(median(r.hostCpuMs ?? []), 'ms'), fmt(r.bytesPerHost ?? NaN, 'B')] : []),
    r.verdict,
  ]);
  const lastNumeric = head.length - 2;
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= lastNumeric ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.metric}: ${r.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Per-host scalars, each its own query (`only` keeps the series the mapping needs: a textfile error that is 0 is no news). */
export const HOST_PARTS = {
  l1: { metric: 'node_load1' },
  l5: { metric: 'node_load5' },
  l15: { metric: 'node_load15' },
  mt: { metric: 'node_memory_MemTotal_bytes' },
  ma: { metric: 'node_memory_MemAvailable_bytes' },
  st: { metric: 'node_memory_SwapTotal_bytes' },
  sf: { metric: 'node_memory_SwapFree_bytes' },
  bt: { metric: 'node_boot_time_seconds' },
  t: { metric: 'node_time_seconds' },
  // textfile collector: its own error flag
  tx: { metric: 'node_textfile_scrape_error', only: '> 0' },
} as const;
export type HostPart = keyof typeof HOST_PARTS;

/** Per-filesystem values; size also brings fstype (the others are joined to it by mountpoint and device). */
export const FS_PARTS = {
  s: { metric: 'node_filesystem_size_bytes' },
  f: { metric: 'node_filesystem_free_bytes' },
  a: { metric: 'node_filesystem_avail_bytes' },
  i: { metric: 'node_filesystem_files' },
  if: { metric: 'node_filesystem_files_free' },
  // A filesystem that is not read-only has no series here: 0 is what nearly every one says.
  ro: { metric: 'node_filesystem_readonly', only: '== 1' },
} as const;
export type FsPart = keyof typeof FS_PARTS;

/** Per-unit extras: when it started, and how often it restarted (none when 0, as nearly every unit). */
export const UNIT_PARTS = {
  s: { metric: 'node_systemd_unit_start_time_seconds' },
  r: { metric: 'node_systemd_service_restart_total', only: '> 0' },
} as const;
export type UnitPart = keyof typeof UNIT_PARTS;

/** The instant queries of one refresh: each covers the WHOLE fleet of the job, never one host. */
export type QueryName =
  | 'targets'
  | 'scrapeSec'
  | 'scrapedAt'
  | 'uname'
  | 'expected'
  | 'cpus'
  | 'units'
  | `host.${HostPart}`
  | `fs.${FsPart}`
  | `unit.${UnitPart}`;

type Part = { metric: string; only?: string };

/**
 * PromQL for one refresh. `job` is a regular expression already checked to hold no quote or backslash;
 * `host` is the label that names a host (a checked label name).
 *
 * Only `up` brings a target's whole label set (pool, site, role, address: every target label). Every
 * other query is aggregated `by` the host label and the labels it is read for, so the job, pool, site
 * and whatever else a fleet labels its targets with are not repeated on each of a host's 30-odd
 * series. Each metric is a query of its own, so no series carries its metric name, and Prometheus
 * does no `or` matching (hashing every label set of both sides) nor label rewriting: measured at
 * 10,000 hosts, that was both fewer bytes (30 MB instead of 48 MB a refresh) and less server CPU than
 * one query per group of metrics. Series that say "nothing wrong" in the usual way (a filesystem not
 * read-only, a unit never restarted, no textfile error) are filtered out by Prometheus. `max by` loses
 * nothing: within one host label each kept label set is one series.
 */
export function fleetQueries(job: string, host = 'instance'): Record<QueryName, string> {
  const j = `job=~"${job}"`;
  const service = `name=~".+\\\\.service"`;
  const by = (...labels: string[]) => `by (${[...new Set([host, ...labels])].join(', ')})`;
  const each = <K extends string>(prefix: string, table: Record<K, Part>, labels: (code: K) => string[], selector: string) =>
    Object.fromEntries(
      (Object.entries(table) as [K, Part][]).map(([code, p]) => [`${prefix}.${code}`, `max ${by(...labels(code))} (${p.metric}{${selector}})${p.only ? ` ${p.only}` : ''}`]),
    );
  return {
    targets: `up{${j}}`,
    scrapeSec: `max ${by()} (scrape_duration_seconds{${j}})`,
    scrapedAt: `max ${by()} (timestamp(up{${j}}))`,
    uname: `max ${by('nodename', 'release')} (node_uname_info{${j}})`,
    expected: `max ${by('service')} (remlite_expected_service{${j}})`,
    cpus: `count ${by()} (node_cpu_seconds_total{mode="idle",${j}})`,
    units: `max ${by('name', 'state')} (node_systemd_unit_state{${service},${j}} == 1)`,
    ...each('host', HOST_PARTS, () => [], j),
    ...each('fs', FS_PARTS, (code) => (code === 's' ? ['mountpoint', 'device', 'fstype'] : ['mountpoint', 'device']), j),
    ...each('unit', UNIT_PARTS, () => ['name'], `${service},${j}`),
  } as Record<QueryName, string>;
}

/**
 * Queries whose answers change only when a machine does (its kernel, CPUs, memory and swap totals,
 * declared services, filesystem sizes and inode totals): about a third of a refresh's bytes at
 * 10,000 hosts. Their last answers are reused for SLOW_QUERY_MAX_AGE_MS; they join onto the hosts
 * and filesystems the other answers name, and one of those they do not cover makes the refresh read
 * them again at once (server-query.ts).
 */
export const SLOW_QUERIES: readonly QueryName[] = ['uname', 'expected', 'cpus', 'host.mt', 'host.st', 'fs.s', 'fs.i'];

/** How long the slow queries' answers are reused before they are read again anyway. */
export const SLOW_QUERY_MAX_AGE_MS = 5 * 60_000;

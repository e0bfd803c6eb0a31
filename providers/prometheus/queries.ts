/** The instant queries of one refresh: each covers the WHOLE fleet of the job, never one host. */
export type QueryName = 'targets' | 'scrapedAt' | 'host' | 'cpus' | 'filesystems' | 'units' | 'unitExtras';

/** Per-host scalars, fetched together by name. */
export const HOST_METRICS = [
  'node_load1',
  'node_load5',
  'node_load15',
  'node_memory_MemTotal_bytes',
  'node_memory_MemAvailable_bytes',
  'node_memory_SwapTotal_bytes',
  'node_memory_SwapFree_bytes',
  'node_boot_time_seconds',
  'node_time_seconds',
  // textfile collector: its own error flag
  'node_textfile_scrape_error',
] as const;

/**
 * PromQL for one refresh. `job` is a regular expression already checked to hold no quote or backslash;
 * `host` is the label that names a host (a checked label name).
 *
 * Only `up` brings a target's whole label set (pool, site, role, address: every target label). Every
 * other query is aggregated `by` the host label and the labels it is read for, so the job, pool, site
 * and whatever else a fleet labels its targets with are not repeated on each of a host's 30-odd
 * series: at 10,000 hosts that repetition was most of the answer's bytes and of the console's time
 * parsing it. `max by` loses nothing: within one host label each kept label set is one series.
 */
export function fleetQueries(job: string, host = 'instance'): Record<QueryName, string> {
  const j = `job=~"${job}"`;
  const service = `name=~".+\\\\.service"`;
  const by = (...labels: string[]) => `by (${[...new Set([host, ...labels])].join(', ')})`;
  return {
    targets: `up{${j}} or max ${by('__name__')} (scrape_duration_seconds{${j}})`,
    scrapedAt: `max ${by()} (timestamp(up{${j}}))`,
    host: [
      `max ${by('__name__')} ({__name__=~"${HOST_METRICS.join('|')}",${j}})`,
      `max ${by('__name__', 'nodename', 'release')} (node_uname_info{${j}})`,
      `max ${by('__name__', 'service')} (remlite_expected_service{${j}})`,
    ].join(' or '),
    cpus: `count ${by()} (node_cpu_seconds_total{mode="idle",${j}})`,
    filesystems: `max ${by('__name__', 'mountpoint', 'device', 'fstype')} ({__name__=~"node_filesystem_(size_bytes|avail_bytes|free_bytes|files|files_free|readonly)",${j}})`,
    units: `max ${by('name', 'state')} (node_systemd_unit_state{${service},${j}} == 1)`,
    unitExtras: `max ${by('__name__', 'name')} ({__name__=~"node_systemd_service_restart_total|node_systemd_unit_start_time_seconds",${service},${j}})`,
  };
}

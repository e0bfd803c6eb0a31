/** The instant queries of one refresh: each covers the WHOLE fleet of the job, never one host. */
export type QueryName = 'targets' | 'scrapedAt' | 'host' | 'cpus' | 'filesystems' | 'units' | 'unitExtras';

/** Per-host scalars and info series, fetched together by name. */
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
  'node_uname_info',
  // textfile collector: its own error flag, and the services a host declares it must run
  'node_textfile_scrape_error',
  'remlite_expected_service',
] as const;

/** PromQL for one refresh. `job` is a regular expression already checked to hold no quote or backslash. */
export function fleetQueries(job: string): Record<QueryName, string> {
  const j = `job=~"${job}"`;
  const service = `name=~".+\\\\.service"`;
  return {
    targets: `{__name__=~"up|scrape_duration_seconds",${j}}`,
    scrapedAt: `timestamp(up{${j}})`,
    host: `{__name__=~"${HOST_METRICS.join('|')}",${j}}`,
    cpus: `count without (cpu, mode) (node_cpu_seconds_total{mode="idle",${j}})`,
    filesystems: `{__name__=~"node_filesystem_(size_bytes|avail_bytes|free_bytes|files|files_free|readonly)",${j}}`,
    units: `node_systemd_unit_state{${service},${j}} == 1`,
    unitExtras: `{__name__=~"node_systemd_service_restart_total|node_systemd_unit_start_time_seconds",${service},${j}}`,
  };
}

// The synthetic 10,000-host fleet of the Prometheus bench: which host is which, which are faulty, and
// the node_exporter text format its exporter serves. Pure: the exporter and the bench's correctness
// check read the same plan, so the findings the bench expects are the ones the series say.

/** The console bench's question for the latest scrape Prometheus holds (the replay answers it by this text). */
export const LAST_SCRAPE_QUERY = 'max(timestamp(up{job="node"}))';

/** The findings a faulty host must produce in one refresh (no sustained detectors: they need 3 polls). */
export type PromFault = 'unreachable' | 'disk-full' | 'inodes-full' | 'fs-read-only' | 'service-down' | 'clock-skew';

export interface PromHost {
  /** The `instance` label's host part: a loopback address (nothing listens there). */
  address: string;
  pool: string;
  site: string;
  fault?: PromFault;
}

// Residues modulo 50 differ, so no host has two faults: 20 + 50 + 40 + 25 + 34 + 10 faulty of 10,000.
const FAULTS: [number, number, PromFault][] = [
  [500, 7, 'unreachable'],
  [200, 11, 'disk-full'],
  [250, 13, 'inodes-full'],
  [400, 17, 'fs-read-only'],
  [300, 19, 'service-down'],
  [1000, 23, 'clock-skew'],
];

export function promHost(i: number): PromHost {
  const fault = FAULTS.find(([mod, rest]) => i % mod === rest)?.[2];
  return { address: `127.80.${Math.floor(i / 250)}.${(i % 250) + 1}`, pool: ['web', 'api', 'db', 'cache'][i % 4]!, site: `dc${i % 3}`, ...(fault ? { fault } : {}) };
}

export function promFleet(hosts: number): PromHost[] {
  return Array.from({ length: hosts }, (_, i) => promHost(i));
}

const UNITS = ['ssh.service', 'cron.service', 'nginx.service'];
const STATES = ['active', 'activating', 'deactivating', 'inactive', 'failed'];
const CPUS = 4;
const MB = 1024 ** 2;
const GB = 1024 ** 3;

/**
 * A host's changing values at one scrape: a deterministic spread per host and scrape (so two scrapes
 * differ for nearly every host, as a real fleet's load, memory and free space do), always inside the
 * ranges no detector flags: load5 at most 3 on 4 CPUs, at least 37% of memory available, filesystems
 * 30-60% used and inodes 5-20% used, apart from the planned faults.
 */
export function valuesAt(i: number, scrape: number): { load: [number, number, number]; memAvail: number; swapFree: number; fsUsed: number; inodeUsed: number } {
  const spread = (salt: number, steps: number) => ((Math.imul(i + 1, 2_654_435_761) ^ Math.imul(scrape * 7 + salt, 40_503)) >>> 0) % steps;
  return {
    load: [spread(1, 300) / 100, spread(2, 300) / 100, spread(3, 300) / 100],
    memAvail: 3 * GB + spread(4, 1000) * 3 * (GB / 1000),
    swapFree: 1.5 * GB + spread(5, 512) * MB,
    fsUsed: 0.3 + spread(6, 300) / 1000,
    inodeUsed: 0.05 + spread(7, 150) / 1000,
  };
}

/**
 * The exposition, by metric family (each family's lines together, as the format wants). `up` is per
 * host, as a federation endpoint serves it: with honor_labels the scrape's own `up` belongs to the
 * exporter's target (another job), so each host's reachability is the series we serve. A host that is
 * down has `up 0` and no node_* series, as a federated Prometheus would show it. `fixed` holds what a
 * machine keeps (totals, units, kernel); `changing(scrape, now)` what moves between scrapes: load,
 * available memory and swap, free space and inodes (valuesAt()), and the clock (the bench's own).
 */
export function exposition(fleet: readonly PromHost[]): { fixed: string; changing: (scrape: number, nowSec: number) => string } {
  const id = (h: PromHost) => `instance="${h.address}:9100",job="node",pool="${h.pool}",site="${h.site}"`;
  const live = fleet.map((h, i) => ({ h, i, id: id(h) })).filter(({ h }) => h.fault !== 'unreachable');
  const family = (name: string, type: string, lines: string[]) => `# TYPE ${name} ${type}\n${lines.join('')}`;
  /** One series per live host; `value` gets the host and its place among the live ones. */
  const perHost = (name: string, type: string, value: (h: PromHost, n: number) => number | string) => family(name, type, live.map(({ h, id }, n) => `${name}{${id}} ${value(h, n)}\n`));
  const fixed = [
    family('up', 'gauge', fleet.map((h) => `up{${id(h)}} ${h.fault === 'unreachable' ? 0 : 1}\n`)),
    family('node_uname_info', 'gauge', live.map(({ h, id }) => `node_uname_info{${id},nodename="${h.address}",release="6.1.0-bench"} 1\n`)),
    perHost('node_memory_MemTotal_bytes', 'gauge', () => 8 * GB),
    perHost('node_memory_SwapTotal_bytes', 'gauge', () => 2 * GB),
    perHost('node_boot_time_seconds', 'gauge', () => 1_700_000_000),
    family('node_cpu_seconds_total', 'counter', live.flatMap(({ id }) => Array.from({ length: CPUS }, (_, c) => `node_cpu_seconds_total{${id},cpu="${c}",mode="idle"} 123456.7\n`))),
    ...filesystemFamilies(live, ['size_bytes', 'files', 'readonly'], () => undefined),
    family('node_systemd_unit_state', 'gauge', live.flatMap(({ h, id }) => UNITS.flatMap((u) => STATES.map((s) => `node_systemd_unit_state{${id},name="${u}",state="${s}",type="simple"} ${s === unitState(h, u) ? 1 : 0}\n`)))),
    family('node_systemd_unit_start_time_seconds', 'gauge', live.flatMap(({ id }) => UNITS.map((u) => `node_systemd_unit_start_time_seconds{${id},name="${u}"} 1700000100\n`))),
    family('node_systemd_service_restart_total', 'counter', live.flatMap(({ id }) => UNITS.map((u) => `node_systemd_service_restart_total{${id},name="${u}"} 0\n`))),
  ].join('');
  return {
    fixed,
    changing: (scrape, nowSec) => {
      const now = live.map(({ i }) => valuesAt(i, scrape));
      return [
        ...(['node_load1', 'node_load5', 'node_load15'] as const).map((name, k) => perHost(name, 'gauge', (_, n) => now[n]!.load[k]!)),
        perHost('node_memory_MemAvailable_bytes', 'gauge', (_, n) => now[n]!.memAvail),
        perHost('node_memory_SwapFree_bytes', 'gauge', (_, n) => now[n]!.swapFree),
        perHost('node_time_seconds', 'gauge', (h) => (nowSec + (h.fault === 'clock-skew' ? 120 : 0)).toFixed(3)),
        ...filesystemFamilies(live, ['avail_bytes', 'free_bytes', 'files_free'], (n) => now[n]!),
      ].join('');
    },
  };
}

function unitState(h: PromHost, unit: string): string {
  return h.fault === 'service-down' && unit === 'nginx.service' ? 'failed' : 'active';
}

type LiveHost = { h: PromHost; id: string };

function filesystemFamilies(live: LiveHost[], metrics: string[], now: (n: number) => ReturnType<typeof valuesAt> | undefined): string[] {
  const mounts = [
    { mount: '/', device: '/dev/vda1' },
    { mount: '/data', device: '/dev/vdb1' },
  ];
  const size = 100 * GB;
  const files = 6_553_600;
  const value = (h: PromHost, n: number, mount: string, metric: string): number => {
    const root = mount === '/';
    switch (metric) {
      case 'size_bytes':
        return size;
      case 'avail_bytes':
      case 'free_bytes':
        return root && h.fault === 'disk-full' ? size * 0.01 : Math.round(size * (1 - now(n)!.fsUsed));
      case 'files':
        return files;
      case 'files_free':
        return root && h.fault === 'inodes-full' ? files * 0.01 : Math.round(files * (1 - now(n)!.inodeUsed));
      default: // readonly
        return !root && h.fault === 'fs-read-only' ? 1 : 0;
    }
  };
  return metrics.map((metric) => {
    const name = `node_filesystem_${metric}`;
    return `# TYPE ${name} gauge\n${live.flatMap(({ h, id }, n) => mounts.map((m) => `${name}{${id},device="${m.device}",fstype="ext4",mountpoint="${m.mount}"} ${value(h, n, m.mount, metric)}\n`)).join('')}`;
  });
}

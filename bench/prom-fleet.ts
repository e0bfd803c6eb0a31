// The synthetic 10,000-host fleet of the Prometheus bench: which host is which, which are faulty, and
// the node_exporter text format its exporter serves. Pure: the exporter and the bench's correctness
// check read the same plan, so the findings the bench expects are the ones the series say.

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
const GB = 1024 ** 3;

/**
 * The exposition, by metric family (each family's lines together, as the format wants). `up` is per
 * host, as a federation endpoint serves it: with honor_labels the scrape's own `up` belongs to the
 * exporter's target (another job), so each host's reachability is the series we serve. A host that is
 * down has `up 0` and no node_* series, as a federated Prometheus would show it. node_time_seconds is
 * the only family that changes between scrapes (the bench's clock): `time(now)` follows the `fixed` part.
 */
export function exposition(fleet: readonly PromHost[]): { fixed: string; time: (nowSec: number) => string } {
  const id = (h: PromHost) => `instance="${h.address}:9100",job="node",pool="${h.pool}",site="${h.site}"`;
  const live = fleet.filter((h) => h.fault !== 'unreachable');
  const family = (name: string, type: string, lines: string[]) => `# TYPE ${name} ${type}\n${lines.join('')}`;
  const perHost = (name: string, type: string, value: (h: PromHost) => number | string) => family(name, type, live.map((h) => `${name}{${id(h)}} ${value(h)}\n`));
  const before = [
    family('up', 'gauge', fleet.map((h) => `up{${id(h)}} ${h.fault === 'unreachable' ? 0 : 1}\n`)),
    family('node_uname_info', 'gauge', live.map((h) => `node_uname_info{${id(h)},nodename="${h.address}",release="6.1.0-bench"} 1\n`)),
    perHost('node_load1', 'gauge', () => 0.42),
    perHost('node_load5', 'gauge', () => 0.37),
    perHost('node_load15', 'gauge', () => 0.31),
    perHost('node_memory_MemTotal_bytes', 'gauge', () => 8 * GB),
    perHost('node_memory_MemAvailable_bytes', 'gauge', () => 5 * GB),
    perHost('node_memory_SwapTotal_bytes', 'gauge', () => 2 * GB),
    perHost('node_memory_SwapFree_bytes', 'gauge', () => 2 * GB),
    perHost('node_boot_time_seconds', 'gauge', () => 1_700_000_000),
    family('node_cpu_seconds_total', 'counter', live.flatMap((h) => Array.from({ length: CPUS }, (_, c) => `node_cpu_seconds_total{${id(h)},cpu="${c}",mode="idle"} 123456.7\n`))),
    ...filesystemFamilies(live, id),
    family('node_systemd_unit_state', 'gauge', live.flatMap((h) => UNITS.flatMap((u) => STATES.map((s) => `node_systemd_unit_state{${id(h)},name="${u}",state="${s}",type="simple"} ${s === unitState(h, u) ? 1 : 0}\n`)))),
    family('node_systemd_unit_start_time_seconds', 'gauge', live.flatMap((h) => UNITS.map((u) => `node_systemd_unit_start_time_seconds{${id(h)},name="${u}"} 1700000100\n`))),
    family('node_systemd_service_restart_total', 'counter', live.flatMap((h) => UNITS.map((u) => `node_systemd_service_restart_total{${id(h)},name="${u}"} 0\n`))),
  ].join('');
  const timeLabels = live.map((h) => [`node_time_seconds{${id(h)}} `, h.fault === 'clock-skew' ? 120 : 0] as const);
  return { fixed: before, time: (nowSec) => `# TYPE node_time_seconds gauge\n${timeLabels.map(([l, skew]) => `${l}${(nowSec + skew).toFixed(3)}\n`).join('')}` };
}

function unitState(h: PromHost, unit: string): string {
  return h.fault === 'service-down' && unit === 'nginx.service' ? 'failed' : 'active';
}

function filesystemFamilies(live: PromHost[], id: (h: PromHost) => string): string[] {
  const mounts = [
    { mount: '/', device: '/dev/vda1' },
    { mount: '/data', device: '/dev/vdb1' },
  ];
  const size = 100 * GB;
  const files = 6_553_600;
  const value = (h: PromHost, mount: string, metric: string): number => {
    const root = mount === '/';
    switch (metric) {
      case 'size_bytes':
        return size;
      case 'avail_bytes':
      case 'free_bytes':
        return root && h.fault === 'disk-full' ? size * 0.01 : size * 0.6;
      case 'files':
        return files;
      case 'files_free':
        return root && h.fault === 'inodes-full' ? files * 0.01 : files * 0.9;
      default: // readonly
        return !root && h.fault === 'fs-read-only' ? 1 : 0;
    }
  };
  return ['size_bytes', 'avail_bytes', 'free_bytes', 'files', 'files_free', 'readonly'].map((metric) => {
    const name = `node_filesystem_${metric}`;
    return `# TYPE ${name} gauge\n${live.flatMap((h) => mounts.map((m) => `${name}{${id(h)},device="${m.device}",fstype="ext4",mountpoint="${m.mount}"} ${value(h, m.mount, metric)}\n`)).join('')}`;
  });
}

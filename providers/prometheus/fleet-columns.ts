import type { HostProbe, PollResult, ServiceStatus, VolumeStatus } from '../../src/model/index.js';
import { samePlainData } from '../../src/util/same-plain-data.js';

/**
 * One server's mapped polls as columns: what the query worker sends the console. Its typed arrays move
 * to the main thread without a copy and its strings are few (each distinct one once), where 10,000
 * polls as objects were 11 MB of JSON to write in the worker and parse on the main thread, and a few
 * hundred thousand objects for each thread's collector. Pure data, checked nowhere else: the worker
 * writes it from answers it already checked (names, units and text sanitized, see map.ts).
 */
export interface FleetColumns {
  /** Host names (machine ids), in the order of the polls. */
  names: string[];
  /** Per host, HOST_COLUMNS numbers in the order of HostColumn; NaN where the answers said nothing. */
  hostValues: Float64Array;
  /** Per host: the hostname its node_exporter reports ('' when none). */
  hostnames: string[];
  /** Per host: kernel, and the scrape target's text for an unreachable host's error (indexes into `strings`). */
  hostText: Int32Array;
  /** Host i's filesystems are fsStart[i] .. fsStart[i + 1]; so are its units in unitStart. */
  fsStart: Int32Array;
  /** Per filesystem: mount, device, fstype (indexes into `strings`). */
  fsText: Int32Array;
  /** Per filesystem, FS_COLUMNS numbers in the order of FsColumn; NaN where absent. */
  fsValues: Float64Array;
  unitStart: Int32Array;
  /** Per unit: its name as the SSH probe names it ("apache2") and its ActiveState (indexes into `strings`). */
  unitText: Int32Array;
  /** Per unit: start time (s) and restarts; NaN where absent. */
  unitValues: Float64Array;
  /** Every distinct string the columns name, once. */
  strings: string[];
}

/** The per-host numbers, in column order. */
export const HostColumn = { up: 0, at: 1, latency: 2, cpus: 3, l1: 4, l5: 5, l15: 6, mt: 7, ma: 8, st: 9, sf: 10, bt: 11, t: 12, tx: 13 } as const;
export const HOST_COLUMNS = 14;
/** The per-filesystem numbers, in column order (the FS_PARTS of queries.ts). */
export const FsColumn = { s: 0, f: 1, a: 2, i: 3, if: 4, ro: 5 } as const;
export const FS_COLUMNS = 6;
export const UNIT_COLUMNS = 2;
export const HOST_TEXT = 2;
export const FS_TEXT = 3;
export const UNIT_TEXT = 2;

/** The typed arrays of the columns, to hand to postMessage's transfer list. */
export function columnBuffers(c: FleetColumns): ArrayBuffer[] {
  return [c.hostValues, c.hostText, c.fsStart, c.fsText, c.fsValues, c.unitStart, c.unitText, c.unitValues].map((a) => a.buffer as ArrayBuffer);
}

/** node_exporter has no SubState: the usual one for each ActiveState, so the lines read as the SSH probe's do. */
const SUB_OF: Record<string, string> = { active: 'running', inactive: 'dead', failed: 'failed', activating: 'start', deactivating: 'stop', reloading: 'reload' };

/** A server's previous columns and the polls made of them (see pollsOf). */
export interface PreviousPolls {
  columns: FleetColumns;
  polls: readonly PollResult[];
}

/**
 * The polls the columns hold, one per host in their order. With `previous` (the same server's last
 * columns and polls, the same hosts in the same order), a host whose units are all as they were
 * keeps the same services array: a fleet's units rarely change, and at 10,000 hosts the 30,000
 * service objects made again each refresh lived just long enough for the collector to promote them.
 */
export function pollsOf(c: FleetColumns, previous?: PreviousPolls): PollResult[] {
  const same = previous && samePlainData(previous.columns.names, c.names) ? previous : undefined;
  const polls: PollResult[] = new Array(c.names.length);
  for (let i = 0; i < c.names.length; i++) {
    const v = (col: number) => c.hostValues[i * HOST_COLUMNS + col]!;
    const at = v(HostColumn.at);
    const latencyMs = v(HostColumn.latency);
    const machineId = c.names[i]!;
    if (v(HostColumn.up) === 0) {
      polls[i] = { machineId, at, reach: 'unreachable', latencyMs, error: `Prometheus cannot scrape ${c.strings[c.hostText[i * HOST_TEXT + 1]!] || machineId} (up == 0)` };
      continue;
    }
    polls[i] = { machineId, at, reach: 'ok', latencyMs, probe: probeOf(c, i, machineId, same && servicesAsBefore(c, i, same)) };
  }
  return polls;
}

/** Host i's services of the previous polls when its units (names, states, start times, restarts) are all as they were there. */
function servicesAsBefore(c: FleetColumns, i: number, previous: PreviousPolls): ServiceStatus[] | undefined {
  const services = previous.polls[i]?.probe?.services;
  const p = previous.columns;
  const from = c.unitStart[i]!;
  const count = c.unitStart[i + 1]! - from;
  const was = p.unitStart[i]!;
  if (!services || services.length !== count || p.unitStart[i + 1]! - was !== count) return undefined;
  for (let k = 0; k < count; k++) {
    for (let t = 0; t < UNIT_TEXT; t++) if (c.strings[c.unitText[(from + k) * UNIT_TEXT + t]!] !== p.strings[p.unitText[(was + k) * UNIT_TEXT + t]!]) return undefined;
    for (let col = 0; col < UNIT_COLUMNS; col++) if (!Object.is(c.unitValues[(from + k) * UNIT_COLUMNS + col], p.unitValues[(was + k) * UNIT_COLUMNS + col])) return undefined;
  }
  return services;
}

/** Host i's units as the SSH probe reports services. */
function servicesOf(c: FleetColumns, i: number): ServiceStatus[] {
  const services: ServiceStatus[] = [];
  for (let u = c.unitStart[i]!; u < c.unitStart[i + 1]!; u++) {
    const state = c.strings[c.unitText[u * UNIT_TEXT + 1]!]!;
    const since = c.unitValues[u * UNIT_COLUMNS]!;
    const restarts = c.unitValues[u * UNIT_COLUMNS + 1]!;
    services.push({
      name: c.strings[c.unitText[u * UNIT_TEXT]!]!,
      active: state,
      sub: SUB_OF[state] ?? state,
      load: 'loaded',
      ...(Number.isNaN(since) ? {} : { sinceMs: Math.round(since * 1000) }),
      ...(Number.isNaN(restarts) ? {} : { restarts }),
      init: 'systemd',
    });
  }
  return services;
}

function probeOf(c: FleetColumns, i: number, name: string, unchanged: ServiceStatus[] | undefined): HostProbe {
  const v = (col: number) => c.hostValues[i * HOST_COLUMNS + col]!;
  const n = (col: number) => (Number.isNaN(v(col)) ? 0 : v(col));
  const nodeTime = v(HostColumn.t);
  const boot = v(HostColumn.bt);
  const services = unchanged ?? servicesOf(c, i);
  const volumes: VolumeStatus[] = [];
  for (let f = c.fsStart[i]!; f < c.fsStart[i + 1]!; f++) volumes.push(volumeOf(c, f));
  const warnings: string[] = [];
  if (n(HostColumn.tx) > 0) warnings.push('node_exporter textfile collector: a .prom file could not be read');
  const known = !Number.isNaN(nodeTime);
  return {
    hostname: c.hostnames[i] || name,
    // The clock detector adds back half a second for `date +%s` truncation; node_time_seconds is exact.
    remoteTimeMs: known ? Math.round(nodeTime * 1000) - 500 : 0,
    uptimeSec: known && !Number.isNaN(boot) ? Math.max(0, Math.round(nodeTime - boot)) : 0,
    load1: n(HostColumn.l1),
    load5: n(HostColumn.l5),
    load15: n(HostColumn.l15),
    cpus: n(HostColumn.cpus),
    memTotalBytes: n(HostColumn.mt),
    memAvailableBytes: n(HostColumn.ma),
    swapTotalBytes: n(HostColumn.st),
    swapFreeBytes: n(HostColumn.sf),
    kernel: c.strings[c.hostText[i * HOST_TEXT]!]!,
    init: services.length ? 'systemd' : 'unknown',
    volumes,
    services,
    warnings,
  };
}

function volumeOf(c: FleetColumns, f: number): VolumeStatus {
  const v = (col: number) => {
    const x = c.fsValues[f * FS_COLUMNS + col]!;
    return Number.isNaN(x) ? 0 : Math.max(0, x);
  };
  const size = v(FsColumn.s);
  const files = v(FsColumn.i);
  // df's "used" is size minus free (root's reserve counts as used for nobody); avail is what users may still write.
  return {
    mount: c.strings[c.fsText[f * FS_TEXT]!]!,
    device: c.strings[c.fsText[f * FS_TEXT + 1]!]!,
    fstype: c.strings[c.fsText[f * FS_TEXT + 2]!]!,
    sizeBytes: size,
    usedBytes: Math.max(0, size - v(FsColumn.f)),
    availBytes: v(FsColumn.a),
    inodesTotal: files,
    inodesUsed: Math.max(0, files - v(FsColumn.if)),
    readOnly: v(FsColumn.ro) > 0,
  };
}

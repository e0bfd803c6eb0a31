import type { HostProbe, ServiceStatus, VolumeStatus } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';
import { parseConfigTests, parseDatabases, parseFiles, parseFsErrors, parseModules, parseSkippedFiles, parseUnknownModules } from './parse-checks.js';
import { parseHeavy } from './parse-heavy.js';
import { parseReach } from './parse-reach.js';
import { parseNetMounts } from './parse-netmounts.js';
import { unescapeMount } from '../util/unescape-mount.js';
import { parseMailQueue } from './parse-mailqueue.js';
import { parseLogForwarding, parseLogSenders } from './parse-logfwd.js';
import { parseFsState } from '../util/fsstate-parse.js';
import { MARKER, PSEUDO_FS_TYPES, SECTIONS, type SectionName } from './script.js';

export type ParseResult = { ok: true; probe: HostProbe } | { ok: false; error: string; raw: string };

const CORE: SectionName[] = ['meta', 'loadavg', 'meminfo'];
/**
 * A unit name as systemd writes one (its own `\x2d` escapes included), never starting with "-": the
 * probe script asks for nothing else, so anything else is a host lying. Planning is stricter still.
 */
const UNIT_NAME = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]{0,255}$/;
const MAX_WARNINGS = 50;

/** Parses the probe script's output. Pure; never throws. */
export function parseProbeOutput(text: string): ParseResult {
  try {
    return parseOrFail(typeof text === 'string' ? text : String(text));
  } catch (err) {
    return { ok: false, error: 'probe output unparseable: ' + String(err), raw: String(text) };
  }
}

function parseOrFail(text: string): ParseResult {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines[lines.length - 1] !== `${MARKER} end`) {
    return { ok: false, error: `probe output truncated: no end marker after ${Buffer.byteLength(text)} bytes`, raw: text };
  }
  const warnings: string[] = [];
  const warn = (w: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(sanitizeLine(w).slice(0, 200));
  };
  const sections = splitSections(lines, warn);
  const missing = CORE.filter((s) => !sections.has(s));
  if (missing.length > 0) {
    return { ok: false, error: `probe output incomplete: missing section(s) ${missing.join(', ')}`, raw: text };
  }
  const get = (s: SectionName): string[] => sections.get(s) ?? [];
  for (const w of get('warnings')) if (w.trim()) warn(w);

  const meta = keyValues(get('meta'));
  const num = (label: string, raw: string | undefined): number => toNumber(label, raw, warn);

  const epoch = num('epoch', meta.get('epoch'));
  const uptimeSec = num('uptime', get('uptime')[0]?.trim().split(/\s+/)[0]);
  const load = (get('loadavg')[0] ?? '').trim().split(/\s+/);
  const mem = meminfo(get('meminfo'), warn);
  const init = meta.get('init');
  const remoteTimeMs = epoch * 1000;

  const probe: HostProbe = {
    hostname: sanitizeLine(meta.get('hostname') ?? ''),
    remoteTimeMs,
    uptimeSec,
    load1: num('load1', load[0]),
    load5: num('load5', load[1]),
    load15: num('load15', load[2]),
    cpus: num('cpus', meta.get('cpus')),
    memTotalBytes: mem.total,
    memAvailableBytes: mem.available,
    swapTotalBytes: mem.swapTotal,
    swapFreeBytes: mem.swapFree,
    kernel: sanitizeLine(meta.get('kernel') ?? ''),
    init: init === 'systemd' || init === 'sysvinit' ? init : 'unknown',
    volumes: volumes(get('mounts'), dfTables(sections, warn), sections.has('mounts'), warn),
    services: [],
    warnings,
  };
  const expected = get('expected').map((s) => s.trim()).filter(Boolean);
  const bootMs = remoteTimeMs > 0 && uptimeSec > 0 ? remoteTimeMs - uptimeSec * 1000 : undefined;
  if (probe.init === 'systemd') {
    probe.services = systemdServices(get('systemd'), expected, bootMs, warn);
  } else if (probe.init === 'sysvinit') {
    probe.services = sysvServices(get('sysv'), warn);
  }
  // Check sections are printed only when something is declared (fserrors always).
  if (sections.has('files')) {
    probe.files = parseFiles(get('files'), warn);
    const skipped = parseSkippedFiles(get('files'), warn);
    if (skipped.length) probe.filesSkipped = skipped;
  }
  if (sections.has('configtests')) probe.configTests = parseConfigTests(get('configtests'), warn);
  if (sections.has('modules')) {
    probe.modules = parseModules(get('modules'), warn);
    const unknown = parseUnknownModules(get('modules'));
    if (unknown.length) probe.modulesUnknown = unknown;
  }
  if (sections.has('databases')) probe.databases = parseDatabases(get('databases'), warn);
  if (sections.has('heavy')) {
    // Learned databases come with the heavy checks; a declared one asked this poll wins.
    const heavy = parseHeavy(get('heavy'), warn);
    if (heavy.heavy) probe.heavy = heavy.heavy;
    const learnedDbs = heavy.databases.filter((d) => !probe.databases?.some((x) => x.name === d.name));
    if (learnedDbs.length) probe.databases = [...(probe.databases ?? []), ...learnedDbs];
  }
  if (sections.has('reach')) probe.reach = parseReach(get('reach'), warn);
  if (sections.has('fserrors')) probe.fsErrors = parseFsErrors(get('fserrors'), warn);
  if (sections.has('fsstate')) {
    const fs = parseFsState(get('fsstate'), warn, bootMs);
    probe.fsState = fs.devices;
    if (fs.kernelLogUnavailable) probe.kernelLogUnavailable = fs.kernelLogUnavailable;
    for (const n of fs.notes) warn(`fsstate: ${n}`);
  }
  const netMounts = parseNetMounts(get('netmounts'), warn);
  if (netMounts.length) probe.netMounts = netMounts;
  const mailQueue = parseMailQueue(get('mailqueue'), warn);
  if (mailQueue) probe.mailQueue = mailQueue;
  const logForwarding = parseLogForwarding(get('logfwd'), warn);
  if (logForwarding.length) probe.logForwarding = logForwarding;
  const logSenders = parseLogSenders(get('logsenders'), warn);
  if (logSenders.length) probe.logSenders = logSenders;
  return { ok: true, probe };
}

function splitSections(lines: string[], warn: (w: string) => void): Map<SectionName, string[]> {
  const known = new Set<string>(SECTIONS);
  const sections = new Map<SectionName, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith(MARKER + ' ')) {
      const name = line.slice(MARKER.length + 1);
      if (!known.has(name)) {
        warn(`unknown probe section: ${name}`);
        current = undefined;
      } else if (sections.has(name as SectionName)) {
        warn(`repeated probe section: ${name}`);
        current = undefined;
      } else {
        current = [];
        sections.set(name as SectionName, current);
      }
    } else if (current) {
      current.push(line);
    } else if (line.trim()) {
      warn(`unexpected line outside sections: ${line}`);
    }
  }
  return sections;
}

function keyValues(lines: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const l of lines) {
    const eq = l.indexOf('=');
    if (eq > 0) map.set(l.slice(0, eq), l.slice(eq + 1));
  }
  return map;
}

function toNumber(label: string, raw: string | undefined, warn: (w: string) => void): number {
  const t = raw?.trim();
  if (!t) {
    warn(`${label}: missing`);
    return 0;
  }
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) {
    warn(`${label}: not a number: ${t}`);
    return 0;
  }
  return n;
}

function meminfo(lines: string[], warn: (w: string) => void) {
  const kb = new Map<string, number>();
  for (const l of lines) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?\s*$/.exec(l);
    if (m?.[1] && m[2]) kb.set(m[1], Number(m[2]));
    else if (l.trim()) warn(`meminfo: unexpected line: ${l}`);
  }
  const bytes = (key: string): number | undefined => {
    const v = kb.get(key);
    return v === undefined ? undefined : v * 1024;
  };
  const total = bytes('MemTotal');
  if (total === undefined) warn('meminfo: MemTotal missing');
  let available = bytes('MemAvailable');
  if (available === undefined) {
    // Kernels before 3.14 have no MemAvailable: free + buffers + page cache is the classic estimate.
    available = (bytes('MemFree') ?? 0) + (bytes('Buffers') ?? 0) + (bytes('Cached') ?? 0);
    warn('meminfo: MemAvailable missing, estimated from MemFree+Buffers+Cached');
  }
  return { total: total ?? 0, available, swapTotal: bytes('SwapTotal') ?? 0, swapFree: bytes('SwapFree') ?? 0 };
}

function isWatchedMount(mount: string, fstype: string): boolean {
  if (PSEUDO_FS_TYPES.includes(fstype)) return false;
  if (/^\/(dev|sys|proc)(\/|$)/.test(mount)) return false;
  return !/^\/run\/./.test(mount);
}

interface DfRow {
  device: string;
  total: number;
  used: number;
  avail: number;
}

interface DfTables {
  space: Map<string, DfRow>;
  inodes: Map<string, DfRow>;
}

const dfNumber = (s: string | undefined): number => (s && /^\d+$/.test(s) ? Number(s) : 0);

/** `df -P` rows: device, total, used, available, capacity, mount (mount may hold spaces). */
function dfRows(lines: string[], label: string, warn: (w: string) => void): Map<string, DfRow> {
  const rows = new Map<string, DfRow>();
  for (const l of lines.slice(1)) {
    if (!l.trim()) continue;
    const m = /^(.*?)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(\d+%|-)\s+(\/.*)$/.exec(l);
    if (!m) {
      warn(`${label}: unexpected line: ${l}`);
      continue;
    }
    rows.set(m[6] ?? '', { device: m[1] ?? '', total: dfNumber(m[2]), used: dfNumber(m[3]), avail: dfNumber(m[4]) });
  }
  return rows;
}

/**
 * `df --output=source,size,used,avail,itotal,iused,target -k` rows (the dfboth section): the same
 * figures as `df -P -k` and `df -P -i`, split into the same two tables.
 */
function dfBothRows(lines: string[], warn: (w: string) => void): DfTables {
  const space = new Map<string, DfRow>();
  const inodes = new Map<string, DfRow>();
  for (const l of lines.slice(1)) {
    if (!l.trim()) continue;
    const m = /^(.*?)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(\/.*)$/.exec(l);
    if (!m) {
      warn(`df: unexpected line: ${l}`);
      continue;
    }
    const mount = m[7] ?? '';
    const device = m[1] ?? '';
    space.set(mount, { device, total: dfNumber(m[2]), used: dfNumber(m[3]), avail: dfNumber(m[4]) });
    const total = dfNumber(m[5]);
    const used = dfNumber(m[6]);
    inodes.set(mount, { device, total, used, avail: Math.max(0, total - used) });
  }
  return { space, inodes };
}

/** Space and inode tables: from dfboth (GNU df, one call) or from df and dfi (two calls). */
function dfTables(sections: Map<SectionName, string[]>, warn: (w: string) => void): DfTables {
  const both = sections.get('dfboth');
  if (both) return dfBothRows(both, warn);
  return { space: dfRows(sections.get('df') ?? [], 'df', warn), inodes: dfRows(sections.get('dfi') ?? [], 'df -i', warn) };
}

function volumes(mounts: string[], { space, inodes }: DfTables, haveMounts: boolean, warn: (w: string) => void): VolumeStatus[] {
  const table = new Map<string, { device: string; fstype: string; readOnly: boolean }>();
  for (const l of mounts) {
    const f = l.trim().split(/\s+/);
    if (f.length < 4) {
      if (l.trim()) warn(`mounts: unexpected line: ${l}`);
      continue;
    }
    const [device = '', mount = '', fstype = '', mode = ''] = f;
    // A later line for the same mount point is the mount on top: the one df reports.
    table.set(unescapeMount(mount), { device: unescapeMount(device), fstype, readOnly: mode === 'ro' });
  }
  const out: VolumeStatus[] = [];
  const seen = new Set<string>();
  const add = (mount: string, device: string, fstype: string, readOnly: boolean): void => {
    if (seen.has(mount) || !isWatchedMount(mount, fstype)) return;
    seen.add(mount);
    const s = space.get(mount);
    const i = inodes.get(mount);
    out.push({
      mount: sanitizeLine(mount),
      device: sanitizeLine(device),
      fstype: sanitizeLine(fstype),
      sizeBytes: (s?.total ?? 0) * 1024,
      usedBytes: (s?.used ?? 0) * 1024,
      availBytes: (s?.avail ?? 0) * 1024,
      inodesTotal: i?.total ?? 0,
      inodesUsed: i?.used ?? 0,
      readOnly,
    });
  };
  if (haveMounts && table.size > 0) {
    for (const [mount, m] of table) if (space.has(mount)) add(mount, m.device, m.fstype, m.readOnly);
  } else {
    // No mount table: df alone, type and ro/rw unknown.
    for (const [mount, s] of space) add(mount, s.device, 'unknown', false);
  }
  return out;
}

function systemdServices(
  lines: string[],
  expected: string[],
  bootMs: number | undefined,
  warn: (w: string) => void,
): ServiceStatus[] {
  const blocks: Map<string, string>[] = [];
  let block: Map<string, string> | undefined;
  for (const l of lines) {
    if (!l.trim()) {
      block = undefined;
      continue;
    }
    const eq = l.indexOf('=');
    if (eq <= 0) {
      warn(`systemd: unexpected line: ${l}`);
      continue;
    }
    if (!block) blocks.push((block = new Map()));
    block.set(l.slice(0, eq), l.slice(eq + 1));
  }
  if (blocks.length < expected.length) warn(`systemd: ${expected.length} units asked, ${blocks.length} answered`);
  const out: ServiceStatus[] = [];
  const seenIds = new Set<string>();
  blocks.forEach((b, index) => {
    const id = b.get('Id') ?? '';
    // systemctl show answers in argument order, and the expected units come first: an alias
    // (mysql -> mariadb.service) keeps the operator's name.
    const asked = blocks.length >= expected.length ? expected[index] : undefined;
    if (!asked && (!id || seenIds.has(id))) return;
    seenIds.add(id);
    const name = asked ?? id.replace(/\.service$/, '');
    // The name reaches repairs and user actions as {service}: a host cannot slip in an option or shell syntax.
    if (!UNIT_NAME.test(name)) return warn(`systemd: ignoring a unit with an unsafe name: ${name}`);
    const intOf = (key: string): number | undefined => {
      const v = b.get(key);
      if (v === undefined || v === '') return undefined;
      if (!/^\d+$/.test(v)) {
        warn(`systemd: ${name} ${key} not a number: ${v}`);
        return undefined;
      }
      return Number(v);
    };
    const s: ServiceStatus = {
      name: sanitizeLine(name),
      active: sanitizeLine(b.get('ActiveState') || 'unknown'),
      sub: sanitizeLine(b.get('SubState') || 'unknown'),
      load: sanitizeLine(b.get('LoadState') || 'unknown'),
      init: 'systemd',
    };
    const restarts = intOf('NRestarts');
    if (restarts !== undefined) s.restarts = restarts;
    const pid = intOf('MainPID');
    if (pid) s.mainPid = pid;
    const mono = intOf('StateChangeTimestampMonotonic');
    if (mono && bootMs !== undefined) s.sinceMs = Math.round(bootMs + mono / 1000);
    const description = b.get('Description');
    if (description) s.description = sanitizeLine(description);
    out.push(s);
  });
  return out;
}

const SYSV_STATE: Record<string, [active: string, sub: string, load: string]> = {
  '0': ['active', 'running', 'loaded'],
  '3': ['inactive', 'dead', 'loaded'],
  '4': ['inactive', 'dead', 'not-found'],
  missing: ['inactive', 'dead', 'not-found'],
};

function sysvServices(lines: string[], warn: (w: string) => void): ServiceStatus[] {
  const out: ServiceStatus[] = [];
  for (const l of lines) {
    const m = /^(\S+) (\d+|missing)$/.exec(l.trim());
    if (!m?.[1] || !m[2]) {
      if (l.trim()) warn(`sysv: unexpected line: ${l}`);
      continue;
    }
    if (!UNIT_NAME.test(m[1])) {
      warn(`sysv: ignoring a service with an unsafe name: ${m[1]}`);
      continue;
    }
    const [active, sub, load] = SYSV_STATE[m[2]] ?? ['failed', 'failed', 'loaded'];
    out.push({ name: sanitizeLine(m[1]), active, sub, load, init: 'sysvinit' });
  }
  return out;
}

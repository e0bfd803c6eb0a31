import type { BaselineFile, LearnedLog, LearnedSocket, LearnedState, LearnedVolume } from '../model/index.js';
import { accountNameError } from '../util/account-name.js';
import { sanitizeLine } from '../util/sanitize.js';
import { parseFsState } from '../util/fsstate-parse.js';
import { parseConffileLines } from '../util/pkgverify-parse.js';
import { senderOfPath } from '../util/log-senders.js';
import { MAX_LEARNED_DATABASES, MAX_LEARNED_LOGS, MAX_LEARNED_SENDERS, MAX_LEARNED_SOCKETS, MAX_LEARNED_TABLES, MAX_LEARNED_UNITS, SENDING_AT_ACCEPT_SEC, SYSTEM_SCHEMAS } from './learn-script.js';

/** Database and table names remlite passes on (the same rule as declared databases). */
const SAFE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** A service unit name as systemd writes it; nothing a shell or systemctl could read as more. */
export const LEARNED_UNIT = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]{0,200}\.service$/;
/** Per-login units come and go with SSH sessions (ours included): never part of a host's known-good state. */
const SESSION_UNIT = /^(user@|user-runtime-dir@)/;
const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/** A log path remlite watches: under /var/log, printable, no `..` or `//` (a lying host gets no other path in). */
function isLearnableLog(path: string): boolean {
  // journald's own store is rotated and vacuumed by journald itself: not a log file to watch.
  return path.startsWith('/var/log/') && !path.startsWith('/var/log/journal/') && path.length <= 400 && !/[\x00-\x1f\x7f]/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path) && !path.includes('//');
}

/** What the accept learned, with the stat of each learned log (for baseline.files). */
export interface LearnedCapture extends LearnedState {
  logStats?: Record<string, Pick<BaselineFile, 'mode' | 'owner' | 'group'>>;
  /** Table list per learned database. */
  tables?: Record<string, string[]>;
}

/** The address the probe connects to for a listening address as ss prints it ("*:80", "[::]:22", "127.0.0.53%lo:53"). */
export function connectAddress(local: string): { address: string; port: number } | undefined {
  const m = /^(.*):(\d{1,5})$/.exec(local);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  let a = (m[1] ?? '').replace(/^\[/, '').replace(/\]$/, '').replace(/%.*$/, '');
  if (a === '*' || a === '0.0.0.0') a = '127.0.0.1';
  else if (a === '::') a = '::1';
  return ADDRESS.test(a) ? { address: a, port } : undefined;
}

/**
 * A /proc/net/tcp{,6} local address ("0100007F:0050", 32 hex digits for IPv6: four 32-bit words in
 * the kernel's byte order, little-endian here) as ss prints it: "127.0.0.1:80", "[::1]:22".
 */
export function decodeProcNetAddress(hex: string): string | undefined {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(hex);
  if (!m) return undefined;
  const [, addr = '', port = ''] = m;
  const bytes: number[] = [];
  for (let w = 0; w < addr.length; w += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(addr.slice(w + b, w + b + 2), 16));
  }
  const p = parseInt(port, 16);
  if (bytes.length === 4) return `${bytes.join('.')}:${p}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j > i ? j : i + 1;
  }
  const text = best.len > 1 ? `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}` : groups.join(':');
  return `[${text}]:${p}`;
}

/** The innermost systemd service of a cgroup path ("/x/system.slice/apache2.service" → apache2.service). */
function unitOfCgroup(path: string): string | undefined {
  const all = [...path.matchAll(/(?:^|\/)([^/]+\.service)(?=\/|$)/g)].map((m) => m[1] ?? '');
  const unit = all[all.length - 1];
  return unit && LEARNED_UNIT.test(unit) ? unit : undefined;
}

/** Parses the lines between `@@L` and `@@LE` of the capture (see learn-script.ts). Pure; never throws. */
export function parseLearned(lines: readonly string[]): LearnedCapture {
  const units: string[] = [];
  const logs: LearnedLog[] = [];
  const logStats: NonNullable<LearnedCapture['logStats']> = {};
  const tables = new Map<string, string[]>();
  const notes: string[] = [];
  const senderWrites = new Map<string, number>();
  let hostNowSec: number | undefined;
  let block = new Map<string, string>();
  const endBlock = (): void => {
    const id = block.get('Id') ?? '';
    if (LEARNED_UNIT.test(id) && !SESSION_UNIT.test(id) && block.get('Transient') !== 'yes' && !units.includes(id) && units.length < MAX_LEARNED_UNITS) {
      units.push(id);
    }
    block = new Map();
  };
  const unitOfPid = new Map<string, string>();
  const listening: { protocol: 'http' | 'tcp'; local: string; pids: string[] }[] = [];
  // Without ss: sockets by inode, and the processes holding each inode.
  const procSockets: { protocol: 'http' | 'tcp'; local: string; inode: string }[] = [];
  const pidsOfInode = new Map<string, string[]>();
  const pkgLines: string[] = [];
  let socketsSource: LearnedState['socketsSource'];
  const fsLines: string[] = [];
  for (const line of lines) {
    if (/^fs[a-z!]{1,12}( |$)/.test(line)) {
      fsLines.push(line);
      continue;
    }
    if (/^[MVP] /.test(line)) {
      pkgLines.push(line);
      continue;
    }
    const w = /^W (ss|proc)$/.exec(line);
    if (w) {
      socketsSource = w[1] as 'ss' | 'proc';
      continue;
    }
    const q = /^Q (\S+) (\d{1,12}) (http|tcp)$/.exec(line);
    if (q) {
      const local = decodeProcNetAddress(q[1] ?? '');
      if (local && procSockets.length < MAX_LEARNED_SOCKETS) procSockets.push({ protocol: q[3] as 'http' | 'tcp', local, inode: q[2] ?? '' });
      continue;
    }
    const i = /^I (\d{1,12}) (\d{1,10})$/.exec(line);
    if (i) {
      const list = pidsOfInode.get(i[1] ?? '') ?? [];
      if (list.length < 16 && !list.includes(i[2] ?? '')) list.push(i[2] ?? '');
      pidsOfInode.set(i[1] ?? '', list);
      continue;
    }
    if (line.startsWith('U ')) {
      const kv = line.slice(2);
      const eq = kv.indexOf('=');
      if (eq <= 0) endBlock();
      else block.set(kv.slice(0, eq), kv.slice(eq + 1));
      continue;
    }
    if (line === 'U') {
      endBlock();
      continue;
    }
    const s = /^S (http|tcp) (\S+) (.*)$/.exec(line);
    if (s) {
      listening.push({ protocol: s[1] as 'http' | 'tcp', local: s[2] ?? '', pids: [...(s[3] ?? '').matchAll(/pid=(\d{1,10})/g)].map((m) => m[1] ?? '') });
      continue;
    }
    const c = /^C (\d{1,10}) (.*)$/.exec(line);
    if (c) {
      const unit = unitOfCgroup(c[2] ?? '');
      if (unit && !unitOfPid.has(c[1] ?? '')) unitOfPid.set(c[1] ?? '', unit);
      continue;
    }
    const f = /^F (\S+) (\/.*)$/.exec(line);
    if (f) {
      const [unit = '', path = ''] = [f[1], f[2]];
      if (LEARNED_UNIT.test(unit) && isLearnableLog(path) && logs.length < MAX_LEARNED_LOGS && !logs.some((l) => l.path === path)) logs.push({ unit, path });
      continue;
    }
    const g = /^G ([0-7]{1,4}) (\S+) (\S+) (\/.*)$/.exec(line);
    if (g) {
      const [mode = '', owner = '', group = '', path = ''] = [g[1], g[2], g[3], g[4]];
      if (isLearnableLog(path) && !accountNameError(owner, 'owner') && !accountNameError(group, 'group')) logStats[path] = { mode: mode.padStart(4, '0'), owner, group };
      continue;
    }
    const d = /^D (\S+)$/.exec(line);
    if (d) {
      const name = d[1] ?? '';
      if (SAFE_NAME.test(name) && !SYSTEM_SCHEMAS.includes(name) && !tables.has(name) && tables.size < MAX_LEARNED_DATABASES) tables.set(name, []);
      continue;
    }
    const t = /^T (\S+)\t(\S+)$/.exec(line);
    if (t) {
      const list = tables.get(t[1] ?? '');
      if (list && SAFE_NAME.test(t[2] ?? '') && list.length < MAX_LEARNED_TABLES && !list.includes(t[2] ?? '')) list.push(t[2] ?? '');
      continue;
    }
    const n = /^N (\d{1,12})$/.exec(line);
    if (n) {
      hostNowSec = Number(n[1]);
      continue;
    }
    const r = /^R (\d{1,12}) (\/.*)$/.exec(line);
    if (r) {
      const sender = senderOfPath(r[2] ?? '');
      if (sender && senderWrites.size < MAX_LEARNED_SENDERS) senderWrites.set(sender, Number(r[1]));
      continue;
    }
    if (line.startsWith('X ') && notes.length < 10) notes.push(sanitizeLine(line.slice(2)).slice(0, 200));
  }
  endBlock();
  for (const p of procSockets) listening.push({ protocol: p.protocol, local: p.local, pids: pidsOfInode.get(p.inode) ?? [] });

  const sockets: LearnedSocket[] = [];
  const seen = new Set<string>();
  for (const l of listening) {
    const target = connectAddress(l.local);
    const unit = l.pids.map((p) => unitOfPid.get(p)).find((u) => u !== undefined && units.includes(u));
    if (!target || !unit || sockets.length >= MAX_LEARNED_SOCKETS) continue;
    const key = `${unit} ${target.address} ${target.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sockets.push({ unit, address: target.address, port: target.port, protocol: l.protocol });
  }
  units.sort();
  // The accept tests sockets side by side: their lines come in any order.
  sockets.sort((a, b) => a.unit.localeCompare(b.unit) || a.address.localeCompare(b.address) || a.port - b.port);
  const learned: LearnedCapture = { units, sockets };
  // Only logs of learned units with a stat (regular files, not links) are kept.
  const kept = logs.filter((l) => units.includes(l.unit) && logStats[l.path]);
  if (kept.length) {
    learned.logs = kept;
    learned.logStats = Object.fromEntries(kept.map((l) => [l.path, logStats[l.path]!]));
  }
  if (tables.size) {
    learned.databases = [...tables.keys()];
    learned.tables = Object.fromEntries(tables);
  }
  const volumes = learnedVolumes(fsLines);
  if (volumes.length) learned.volumes = volumes;
  if (socketsSource) learned.socketsSource = socketsSource;
  const pkg = parseConffileLines(pkgLines, (w) => {
    if (notes.length < 10) notes.push(sanitizeLine(w).slice(0, 200));
  });
  if (pkg) {
    learned.conffiles = pkg.conffiles.map((c) => c.path);
    learned.conffilesSource = pkg.packageManager;
  } else if (notes.length < 10) notes.push(CONFFILES_NOT_LEARNED);
  // Senders that were sending at accept, by the log host's own clock.
  const sending = [...senderWrites].filter(([, at]) => hostNowSec !== undefined && hostNowSec - at <= SENDING_AT_ACCEPT_SEC).map(([name]) => name);
  if (sending.length) learned.logSenders = sending.sort();
  if (notes.length) learned.notes = notes;
  return learned;
}

/** The learned note when the accept got no answer from the package verify (its lines come last; a slow host cuts them). */
export const CONFFILES_NOT_LEARNED = 'package verify: no answer during the accept (it did not finish or could not run): conffiles not learned';

/** The ext2/3/4 filesystems mounted at accept, with what was already wrong with them then. */
function learnedVolumes(fsLines: readonly string[]): LearnedVolume[] {
  return parseFsState(fsLines, () => {}).devices.map((d) => {
    const v: LearnedVolume = { device: d.device, mount: d.mount };
    if (d.errorsCount !== undefined) v.errorsCount = d.errorsCount;
    if (d.state !== undefined) v.state = d.state;
    if (d.sbErrorCount !== undefined) v.sbErrorCount = d.sbErrorCount;
    if (d.superblockError !== undefined) v.superblockError = d.superblockError;
    return v;
  });
}

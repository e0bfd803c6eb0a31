import type { FsDeviceState, FsErrorInfo, KernelLogLine } from '../model/index.js';
import { sanitizeLine } from './sanitize.js';
import { unescapeMount } from './unescape-mount.js';
import { FSSTATE_MAX_DEVICES, KERNEL_LOG_MAX_LINES } from './fsstate-script.js';

/** A kernel block device name as the script lets through; anything else is a host lying. */
export const KERNEL_DEVICE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const FSTYPES = new Set(['ext2', 'ext3', 'ext4']);
/** dumpe2fs could not look (not the filesystem's fault): the state is unknown, not corrupt. */
const NOT_LOOKED = /Permission denied|Operation not permitted|No such file or directory|No medium found|Device or resource busy/i;
/** Words of a kernel log line that reports trouble (a mount or unmount message has none of them). */
const TROUBLE = /\b(error|errors|corrupt\w*|I\/O|failed|failure|bad|invalid|read-only|checksum)\b/i;

/** Where a kept read came from (`fsread` lines): read in this poll, or kept on the host since `atSec`. */
export interface FsStateRead {
  /** The device whose superblock was read, or "klog" for the kernel log. */
  of: string;
  fresh: boolean;
  /** Host epoch seconds of the read; undefined when the host said none. */
  atSec?: number;
}

export interface ParsedFsState {
  devices: FsDeviceState[];
  /** With a probe that keeps its reads on the host: per device and for the kernel log, fresh or kept. */
  reads: FsStateRead[];
  /** Why the kernel log could not be read; undefined when it was (or was not asked for). */
  kernelLogUnavailable?: string;
  notes: string[];
}

const count = (v: string | undefined): number | undefined => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined);

/** Whether a kernel log line names `device` the way the kernel does: "(device loop3)", "(loop3)", "dev loop3,", "loop3:". */
function namesDevice(text: string, device: string): boolean {
  const d = device.replace(/[.]/g, '\\.');
  return new RegExp(`\\(device ${d}\\)|\\(${d}\\)|\\bdev ${d}\\b|(^|[\\s\\]])${d}:`).test(text);
}

/**
 * Parses the fsstate section (see fsstate-script.ts). `bootMs` (the host's epoch ms at boot) dates
 * kernel log lines, whose times are seconds since boot. Pure; never throws on bad input.
 */
export function parseFsState(lines: readonly string[], warn: (w: string) => void, bootMs?: number): ParsedFsState {
  const devices: FsDeviceState[] = [];
  const notes: string[] = [];
  const raw: string[] = [];
  const reads: FsStateRead[] = [];
  let kernelLogUnavailable: string | undefined;
  let cur: FsDeviceState | undefined;
  let exit: number | undefined;
  const errs: string[] = [];
  const sysfs = new Map<string, string>();
  const finish = (): void => {
    if (!cur) return;
    const errorsCount = count(sysfs.get('errors_count'));
    if (errorsCount !== undefined) cur.errorsCount = errorsCount;
    const info = (which: 'first' | 'last'): FsErrorInfo | undefined => {
      const t = count(sysfs.get(`${which}_error_time`));
      if (!t) return undefined;
      const func = sysfs.get(`${which}_error_func`);
      const line = count(sysfs.get(`${which}_error_line`));
      const out: FsErrorInfo = { atMs: t * 1000 };
      if (func && /^[A-Za-z0-9_]{1,64}$/.test(func)) out.where = line !== undefined ? `${func}:${line}` : func;
      return out;
    };
    const first = info('first');
    const last = info('last');
    if (first) cur.firstError = first;
    if (last) cur.lastError = last;
    const complaint = errs.find((e) => !/^dumpe2fs \d/.test(e));
    if (!cur.unchecked && cur.state === undefined) {
      if (exit === 124 || exit === 137) cur.unchecked = 'dumpe2fs timed out';
      else if (complaint && NOT_LOOKED.test(complaint)) cur.unchecked = sanitizeLine(complaint.replace(/^dumpe2fs: /, '')).slice(0, 200);
      else if (complaint || exit !== undefined) cur.superblockError = sanitizeLine((complaint ?? `dumpe2fs exit ${exit}`).replace(/^dumpe2fs: /, '')).slice(0, 200);
    }
    cur = undefined;
    exit = undefined;
    errs.length = 0;
    sysfs.clear();
  };

  for (const line of lines) {
    const sp = line.indexOf(' ');
    const tag = sp > 0 ? line.slice(0, sp) : line;
    const rest = sp > 0 ? line.slice(sp + 1) : '';
    if (tag === 'fsdev') {
      finish();
      const [device = '', fstype = '', mount = '', source = ''] = rest.split(' ');
      if (!KERNEL_DEVICE.test(device) || !FSTYPES.has(fstype) || !mount.startsWith('/')) {
        warn(`fsstate: ignoring ${line}`);
        continue;
      }
      if (devices.length >= FSSTATE_MAX_DEVICES || devices.some((d) => d.device === device)) continue;
      cur = { device, fstype, mount: sanitizeLine(unescapeMount(mount)), source: sanitizeLine(unescapeMount(source)), kernelErrors: [] };
      devices.push(cur);
    } else if (tag === 'fscnt' && cur) {
      const m = /^([a-z_]{1,32}) (\S{1,64})$/.exec(rest);
      if (m) sysfs.set(m[1] ?? '', m[2] ?? '');
    } else if (tag === 'fssb' && cur) {
      const m = /^([A-Za-z ]+):\s*(.*)$/.exec(rest);
      if (m?.[1] === 'Filesystem state') cur.state = sanitizeLine(m[2] ?? '').trim().slice(0, 60);
      else if (m?.[1] === 'FS Error count') {
        const n = count(m[2]?.trim());
        if (n !== undefined) cur.sbErrorCount = n;
      }
    } else if (tag === 'fserr' && cur) {
      if (errs.length < 5) errs.push(rest);
    } else if (tag === 'fsexit' && cur) {
      exit = count(rest) ?? 1;
    } else if (tag === 'fsunchecked' && cur) {
      cur.unchecked = sanitizeLine(rest).slice(0, 200);
    } else if (tag === 'fsread') {
      // Says only how old the lines after it are: a kept read prints the very lines a fresh one did.
      const m = /^(sb|klog) (fresh|cached) (\d{1,12})$/.exec(rest);
      const of = m?.[1] === 'sb' ? cur?.device : m?.[1];
      if (!m || !of) warn(`fsstate: ignoring ${line}`);
      else if (reads.length <= FSSTATE_MAX_DEVICES) {
        const atSec = Number(m[3]);
        reads.push({ of, fresh: m[2] === 'fresh', ...(atSec > 0 ? { atSec } : {}) });
      }
    } else if (tag === 'fsnote') {
      if (notes.length < 5) notes.push(sanitizeLine(rest).slice(0, 200));
    } else if (tag === 'fsklog!') {
      finish();
      kernelLogUnavailable = sanitizeLine(rest).slice(0, 200) || 'kernel log unreadable';
    } else if (tag === 'fsklogsrc') {
      finish();
    } else if (tag === 'fsk') {
      finish();
      if (raw.length < KERNEL_LOG_MAX_LINES) raw.push(rest);
    } else if (line.trim()) {
      warn(`fsstate: unexpected line: ${line}`);
    }
  }
  finish();

  for (const text of raw) {
    // A loop or partition name is reused: errors logged before the current mount were another filesystem's.
    const mounted = /EXT4-fs \(([A-Za-z0-9_.-]+)\): mounted filesystem/.exec(text)?.[1];
    const again = mounted ? devices.find((d) => d.device === mounted) : undefined;
    if (again) again.kernelErrors = [];
    if (!TROUBLE.test(text)) continue;
    const m = /^\[\s*(\d{1,10})(?:\.(\d{1,9}))?\]\s?/.exec(text);
    const entry: KernelLogLine = { text: sanitizeLine(text).slice(0, 300) };
    if (m && bootMs !== undefined) entry.atMs = bootMs + Number(m[1]) * 1000 + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000);
    for (const d of devices) if (namesDevice(text, d.device)) d.kernelErrors.push(entry);
  }
  const out: ParsedFsState = { devices, reads, notes };
  if (kernelLogUnavailable) out.kernelLogUnavailable = kernelLogUnavailable;
  return out;
}

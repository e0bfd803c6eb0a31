// CPU time of processes the bench did not spawn itself (sshd trees, ssh ControlMaster daemons) and of the
// child trees it did (through GNU time). Parsers are pure; the readers go to /proc.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux x86 and arm). */
export const CLOCK_TICKS = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, ticks. */
  ownTicks: number;
  /** cutime + cstime: children it has waited for (and theirs), ticks. */
  childTicks: number;
}

/** Parses /proc/PID/stat. The command name may hold spaces and parentheses: fields count from the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ')': state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const values = [field(4), field(14), field(15), field(16), field(17)];
  if (!Number.isInteger(pid) || values.some((v) => !Number.isFinite(v))) return undefined;
  const [ppid, utime, stime, cutime, cstime] = values as [number, number, number, number, number];
  return { pid, ppid, ownTicks: utime + stime, childTicks: cutime + cstime };
}

/**
 * CPU ticks of the trees under `roots` (roots included): every live process's own time plus what its
 * reaped children used. A process that ends between two readings moves into its parent's child time,
 * so the difference of two readings is the tree's CPU in between.
 */
export function treeTicks(stats: ProcStat[], roots: Iterable<number>): number {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  const stack = [...roots].map((pid) => byPid.get(pid)).filter((s): s is ProcStat => s !== undefined);
  const seen = new Set<number>();
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s.pid)) continue;
    seen.add(s.pid);
    ticks += s.ownTicks + s.childTicks;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks;
}

export interface GnuTime {
  wallS: number;
  userS: number;
  sysS: number;
}

/**
 * Parses what `/usr/bin/time -f '%e %U %S'` wrote (its -o file): the last line of three numbers
 * (a killed command gets a "Command terminated by signal" line before it).
 */
export function parseGnuTime(text: string): GnuTime | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const l of lines) {
    const m = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(l);
    if (m) return { wallS: Number(m[1]), userS: Number(m[2]), sysS: Number(m[3]) };
  }
  return undefined;
}

/** Every process's stat now (processes that vanish while being read are skipped). */
export function readProcStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (s) out.push(s);
    } catch {
      // gone
    }
  }
  return out;
}

/** Pids of processes whose command line contains `needle` (e.g. a ControlPath directory). */
export function pidsMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

/** CPU ms of the trees under `roots` now (see treeTicks). */
export function treeCpuMs(roots: Iterable<number>): number {
  return (treeTicks(readProcStats(), roots) * 1000) / CLOCK_TICKS;
}

/** The whole machine's CPU time, from the first line of /proc/stat: busy (everything but idle and iowait) and in all, in ms. */
export interface MachineCpu {
  busyMs: number;
  totalMs: number;
}

/**
 * Parses /proc/stat's aggregate `cpu` line (user nice system idle iowait irq softirq steal ...; guest
 * time is already inside user and nice, so it is not added again). What no per-process reading can
 * miss: sshd children that come and go, the kernel's loopback networking, daemons woken by logins.
 */
export function parseMachineCpu(text: string): MachineCpu | undefined {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 5 || f.some((n) => !Number.isFinite(n))) return undefined;
  const [user, nice, system, idle, iowait, irq = 0, softirq = 0, steal = 0] = f as [number, number, number, number, number, number?, number?, number?];
  const busy = user + nice + system + irq + softirq + steal;
  return { busyMs: (busy * 1000) / CLOCK_TICKS, totalMs: ((busy + idle + iowait) * 1000) / CLOCK_TICKS };
}

export function readMachineCpu(): MachineCpu {
  const m = parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
  if (!m) throw new Error('/proc/stat has no cpu line');
  return m;
}

/** CPU ticks of each thread of process `pid` now, by thread id (the main thread's id is the pid). */
export function threadTicks(pid = process.pid): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = parseProcStat(readFileSync(`/proc/${pid}/task/${name}/stat`, 'utf8'));
      if (s) out.set(s.pid, s.ownTicks);
    } catch {
      // ended
    }
  }
  return out;
}

/**
 * Where a process's CPU went between two threadTicks readings, in ms: its main thread, its busiest
 * other thread (a worker doing the heavy part) and every other thread together (V8's concurrent
 * collector and compilers, libuv's pool), threads that started in between counted from zero.
 */
export function threadSplitMs(before: Map<number, number>, after: Map<number, number>, mainTid: number): { main: number; busiest: number; rest: number } {
  let main = 0;
  let busiest = 0;
  let total = 0;
  for (const [tid, ticks] of after) {
    const used = ((ticks - (before.get(tid) ?? 0)) * 1000) / CLOCK_TICKS;
    total += used;
    if (tid === mainTid) main = used;
    else busiest = Math.max(busiest, used);
  }
  return { main, busiest, rest: total - main - busiest };
}

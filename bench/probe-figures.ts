// The probe part's table rows from its measurements: the fair ratios first (same run, same hosts, same
// script, same concurrency on both sides), then the floor, every tool's own rows, and why warm and cold are what they are.
import { median, type Figure } from './stats.js';
import type { MachineCpu } from './proc-cpu.js';
import { runsNote, verdictOf, type ToolRun } from './outcomes.js';
import { describeNegotiated, type Negotiated } from './sshd-kex.js';

/** One timed cycle of one tool: wall, its own CPU, the hosts' CPU, bytes on its sockets (all hosts, both ways). */
export interface Measured {
  ms: number;
  cpuMs: number;
  hostCpuMs: number;
  /** The whole machine's CPU during the cycle (/proc/stat): busy, and all there was (cores x wall). */
  machine?: MachineCpu;
  bytes?: number;
  run: ToolRun;
}

export interface ProbeMeasurements {
  hosts: number;
  /** remlite's default maxConcurrent: the speed-up rows with targets use it. */
  defaultParallel: number;
  floor: Measured[];
  cold: { parallel: number; remlite: Measured[]; pssh: Measured[] }[];
  /** parallel-ssh's bytes per host from one extra run at LogLevel=VERBOSE (OpenSSH's own count). */
  psshBytesPerHost?: number;
  /** Why that run gave no figure (a host failed, or OpenSSH's count was missing for some). */
  psshBytesMissing?: string;
  /** `floor` holds floor runs taken in turn with remlite's and the fan-out's cycles (same load). */
  warm: { parallel: number; remlite: Measured[]; floor: Measured[]; mux: Measured[]; ansible: Measured[] }[];
  /** New connections to one host one after the other (values per connection): cost without contention. */
  oneAtATime?: { connections: number; openssh: Measured; ssh2: Measured };
  negotiated: { remlite?: Negotiated; openssh?: Negotiated; mux?: Negotiated; ansible?: Negotiated };
  /** The options each tool was given, for the notes. */
  options: { openssh: string; ansible: string };
}

export const TARGETS = { warmOverFloor: 1.2, warmVsMux: 2, coldVsPssh: 5 };

const ms = (xs: Measured[]) => xs.map((x) => x.ms);
const runs = (xs: Measured[]) => xs.map((x) => x.run);
const medianOf = (xs: Measured[], f: (x: Measured) => number) => median(xs.map(f));

function bytesPerHost(xs: Measured[], hosts: number): number | undefined {
  const b = xs.map((x) => x.bytes).filter((n): n is number => n !== undefined);
  return b.length ? median(b) / hosts : undefined;
}

/** A tool's own row: FAIL when any host failed in any of its runs, else info. */
function toolRow(metric: string, xs: Measured[], hosts: number, note: string, bytes?: number): Figure {
  const b = bytes ?? bytesPerHost(xs, hosts);
  return {
    metric,
    target: 'info',
    unit: 'ms',
    samples: ms(xs),
    verdict: verdictOf([runs(xs)], undefined),
    note: `${runsNote(runs(xs))}${machineNote(xs)}${note ? `; ${note}` : ''}`,
    toolCpuMs: xs.map((x) => x.cpuMs),
    hostCpuMs: xs.map((x) => x.hostCpuMs),
    ...(b !== undefined ? { bytesPerHost: b } : {}),
  };
}

/** How busy the whole machine was during a tool's cycles (median), when it was read. */
function machineNote(xs: Measured[]): string {
  const m = xs.map((x) => x.machine).filter((x): x is MachineCpu => x !== undefined);
  if (!m.length) return '';
  const busy = median(m.map((x) => x.busyMs));
  return `; the machine's CPU busy ${busy.toFixed(0)} ms of ${median(m.map((x) => x.totalMs)).toFixed(0)} ms (${median(m.map((x) => (100 * x.busyMs) / Math.max(1, x.totalMs))).toFixed(0)}%)`;
}

const machineBusy = (x: Measured) => x.machine?.busyMs ?? Number.NaN;

/** A ratio of medians; FAIL when any host of either side failed; `target` decides otherwise. */
function ratioRow(metric: string, top: Measured[], bottom: Measured[], target?: { text: string; ok: (r: number) => boolean }): Figure {
  const r = median(ms(top)) / median(ms(bottom));
  const failed = verdictOf([runs(top), runs(bottom)], undefined) === 'FAIL';
  const verdict = verdictOf([runs(top), runs(bottom)], target ? Number.isFinite(r) && target.ok(r) : undefined);
  const met = target ? (Number.isFinite(r) && target.ok(r) ? 'target met' : 'target NOT met') : '';
  const why = failed ? 'a host failed in a run it is built on (see the tool rows)' : '';
  const note = [met, why].filter(Boolean).join('; ');
  return { metric, target: target?.text ?? 'info', unit: 'x', samples: [r], verdict, ...(note ? { note } : {}) };
}

/** All the CPU a cycle cost: the tool's own and the hosts' (the floor has no hosts). */
const totalCpu = (x: Measured) => x.cpuMs + (Number.isFinite(x.hostCpuMs) ? x.hostCpuMs : 0);

/** The same comparison in CPU time (tool + hosts), which the machine's other load distorts far less than wall time. */
function cpuRatioRow(metric: string, top: Measured[], bottom: Measured[]): Figure {
  const r = medianOf(top, totalCpu) / medianOf(bottom, totalCpu);
  const verdict = verdictOf([runs(top), runs(bottom)], undefined);
  return { metric, target: 'info', unit: 'x', samples: [r], verdict, note: `${medianOf(top, totalCpu).toFixed(0)} ms / ${medianOf(bottom, totalCpu).toFixed(0)} ms of CPU per cycle, tool + hosts` };
}

/** An info figure computed from others (no target). */
function derived(metric: string, unit: string, value: number, note: string): Figure {
  return { metric, target: 'info', unit, samples: [value], verdict: 'info', note };
}

export function probeFigures(m: ProbeMeasurements): Figure[] {
  const d = m.defaultParallel;
  const tag = (p: number) => (p === d ? `${p} = default` : String(p));
  const rows: Figure[] = [];
  const warmD = m.warm.find((w) => w.parallel === d);
  const coldD = m.cold.find((c) => c.parallel === d);

  // Fair ratios first: same concurrency on both sides.
  if (warmD) {
    rows.push(
      ratioRow(`warm: remlite steady cycle / floor (maxConcurrent ${tag(d)})`, warmD.remlite, warmD.floor, {
        text: `<= ${TARGETS.warmOverFloor}x`,
        ok: (r) => r <= TARGETS.warmOverFloor,
      }),
      ratioRow(`warm: OpenSSH ControlMaster fan-out -P ${d} / remlite (${tag(d)})`, warmD.mux, warmD.remlite, {
        text: `>= ${TARGETS.warmVsMux}x`,
        ok: (r) => r >= TARGETS.warmVsMux,
      }),
      ratioRow(`warm: ansible ControlPersist -f ${d} / remlite (${tag(d)})`, warmD.ansible, warmD.remlite),
      cpuRatioRow(`warm, in CPU: remlite / floor (${tag(d)})`, warmD.remlite, warmD.floor),
      cpuRatioRow(`warm, in CPU: OpenSSH ControlMaster fan-out / remlite (${tag(d)})`, warmD.mux, warmD.remlite),
      cpuRatioRow(`warm, in CPU: ansible ControlPersist / remlite (${tag(d)})`, warmD.ansible, warmD.remlite),
    );
  }
  for (const w of m.warm.filter((x) => x.parallel !== d)) {
    rows.push(
      ratioRow(`warm: remlite steady cycle / floor (maxConcurrent ${w.parallel})`, w.remlite, w.floor),
      ratioRow(`warm: OpenSSH ControlMaster fan-out -P ${w.parallel} / remlite (${w.parallel})`, w.mux, w.remlite),
      ratioRow(`warm: ansible ControlPersist -f ${w.parallel} / remlite (${w.parallel})`, w.ansible, w.remlite),
    );
  }
  if (coldD) {
    rows.push(
      ratioRow(`cold: parallel-ssh -p ${d} / remlite first cycle (${tag(d)}), same kex`, coldD.pssh, coldD.remlite, {
        text: `>= ${TARGETS.coldVsPssh}x`,
        ok: (r) => r >= TARGETS.coldVsPssh,
      }),
      cpuRatioRow(`cold, in CPU: parallel-ssh / remlite first cycle (${tag(d)})`, coldD.pssh, coldD.remlite),
      derived(
        `cold, in the whole machine's CPU: parallel-ssh / remlite first cycle (${tag(d)})`,
        'x',
        medianOf(coldD.pssh, machineBusy) / medianOf(coldD.remlite, machineBusy),
        `${medianOf(coldD.pssh, machineBusy).toFixed(0)} ms / ${medianOf(coldD.remlite, machineBusy).toFixed(0)} ms busy per cycle (/proc/stat): what the per-process rows cannot miss`,
      ),
    );
  }
  for (const c of m.cold.filter((x) => x.parallel !== d)) {
    rows.push(ratioRow(`cold: parallel-ssh -p ${c.parallel} / remlite first cycle (${c.parallel}), same kex`, c.pssh, c.remlite));
  }

  // The floor, then each tool's own figures.
  const floors = [...m.floor, ...m.warm.flatMap((w) => w.floor)];
  rows.push(
    toolRow(
      `floor: the probe script x${m.hosts} at once, locally (sh -s, no ssh)`,
      floors,
      m.hosts,
      `runs at the start, between cold and warm and at the end, and one after each warm remlite cycle (the warm ratios use those)`,
    ),
  );
  for (const c of m.cold) {
    rows.push(
      toolRow(`cold: remlite first cycle, connect+auth+probe (maxConcurrent ${tag(c.parallel)})`, c.remlite, m.hosts, c === m.cold[0] ? describeNegotiated(m.negotiated.remlite) : ''),
      // Never its sockets' counters: parallel-ssh's connections close inside its run, so they would read 0.
      toolRow(
        `cold: parallel-ssh -p ${c.parallel} (new ssh per host)`,
        c.pssh,
        m.hosts,
        [c === m.cold[0] ? `${describeNegotiated(m.negotiated.openssh)}; ssh options: ${m.options.openssh}` : '', m.psshBytesMissing ? `bytes not known: ${m.psshBytesMissing}` : ''].filter(Boolean).join('; '),
        m.psshBytesPerHost ?? Number.NaN,
      ),
    );
  }
  for (const w of m.warm) {
    const first = w === m.warm[0];
    rows.push(
      toolRow(`warm: remlite steady cycle (maxConcurrent ${tag(w.parallel)})`, w.remlite, m.hosts, ''),
      toolRow(`warm: OpenSSH ControlMaster fan-out, xargs -P ${w.parallel}`, w.mux, m.hosts, first ? `masters opened first; CPU includes the masters; ${describeNegotiated(m.negotiated.mux)}` : 'CPU includes the masters'),
      toolRow(`warm: ansible -m raw -f ${w.parallel}, ControlPersist`, w.ansible, m.hosts, first ? `first run opened the masters (not counted); CPU includes the masters; ssh args: ${m.options.ansible}; ${describeNegotiated(m.negotiated.ansible)}` : 'CPU includes the masters'),
    );
  }

  // Why warm is what it is: the hosts' share, which every tool pays, bounds the ratio.
  if (warmD) {
    rows.push(
      derived(
        "warm: the best ratio a client costing nothing could reach here (hosts' CPU as read per process)",
        'x',
        medianOf(warmD.mux, totalCpu) / medianOf(warmD.remlite, (x) => x.hostCpuMs),
        `(fan-out CPU + hosts' CPU in its cycle) / hosts' CPU in remlite's steady cycle (${medianOf(warmD.remlite, (x) => x.hostCpuMs).toFixed(0)} ms; the floor's own CPU ${medianOf(warmD.floor, totalCpu).toFixed(0)} ms): the script's work on the hosts, paid by both, is the rest`,
      ),
      derived(
        "warm: the best ratio a client costing nothing could reach here (the whole machine's CPU)",
        'x',
        medianOf(warmD.mux, machineBusy) / (medianOf(warmD.remlite, machineBusy) - medianOf(warmD.remlite, (x) => x.cpuMs)),
        "the fan-out's cycle in the machine's busy CPU / (remlite's cycle in it - remlite's own CPU)",
      ),
    );
  }

  // Why cold is what it is: per host, where the CPU goes.
  if (m.oneAtATime) {
    const o = m.oneAtATime;
    rows.push(
      toolRow(`cold, one connection at a time (x${o.connections}), per connection: OpenSSH ssh`, [o.openssh], 1, 'connect + auth + probe, same options as parallel-ssh'),
      toolRow(`cold, one connection at a time (x${o.connections}), per connection: remlite (ssh2)`, [o.ssh2], 1, 'a new SshPool each time: connect + auth + probe'),
    );
  }
  if (coldD && warmD) {
    const perHost = (xs: Measured[], f: (x: Measured) => number) => medianOf(xs, f) / m.hosts;
    const remliteConnect = perHost(coldD.remlite, (x) => x.cpuMs) - perHost(warmD.remlite, (x) => x.cpuMs);
    const opensshConnect = perHost(coldD.pssh, (x) => x.cpuMs) - perHost(warmD.mux, (x) => x.cpuMs);
    const psshTotal = medianOf(coldD.pssh, (x) => x.cpuMs + x.hostCpuMs);
    rows.push(
      derived('cold, per host: remlite connect+auth CPU (ssh2; first cycle - steady cycle)', 'ms', remliteConnect, `maxConcurrent ${d}`),
      derived('cold, per host: OpenSSH connect+auth CPU (parallel-ssh - ControlMaster fan-out)', 'ms', opensshConnect, `-p ${d}; includes starting ssh and pssh's python`),
      derived(
        "cold, per host: the hosts' CPU (sshd + script) in a remlite first cycle",
        'ms',
        perHost(coldD.remlite, (x) => x.hostCpuMs),
        `in a parallel-ssh run: ${perHost(coldD.pssh, (x) => x.hostCpuMs).toFixed(1)} ms; in a remlite steady cycle: ${perHost(warmD.remlite, (x) => x.hostCpuMs).toFixed(1)} ms`,
      ),
      derived(
        "cold: the best ratio a client costing nothing could reach here (hosts' CPU as read per process)",
        'x',
        psshTotal / medianOf(coldD.remlite, (x) => x.hostCpuMs),
        "(parallel-ssh CPU + hosts' CPU in its run) / hosts' CPU in remlite's first cycle, the hosts' CPU read from the sshd trees: it misses what those trees do not hold (see the next row)",
      ),
      derived(
        "cold: the best ratio a client costing nothing could reach here (the whole machine's CPU)",
        'x',
        medianOf(coldD.pssh, machineBusy) / (medianOf(coldD.remlite, machineBusy) - medianOf(coldD.remlite, (x) => x.cpuMs)),
        "parallel-ssh's cycle in the machine's busy CPU / (remlite's cycle in it - remlite's own CPU): everything but the client, on cores the hosts share with it",
      ),
      derived(
        'cold: client CPU ratio, parallel-ssh / remlite (hosts on other machines)',
        'x',
        medianOf(coldD.pssh, (x) => x.cpuMs) / medianOf(coldD.remlite, (x) => x.cpuMs),
        'what a fleet whose sshd work is not on the console machine would see, while the client is the bottleneck',
      ),
    );
  }
  return rows;
}

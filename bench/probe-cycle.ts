// Metric 2: probe cycles over N real sshd hosts (one sshd process per loopback address), remlite against
// the other tools in the same run, on the same hosts, with the same probe script:
// cold (first cycle: connect + auth + probe) against parallel-ssh with the same key exchange and cipher,
// warm (steady cycle) against OpenSSH connection sharing and ansible with ControlPersist, and the floor.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SshPool } from '../src/ssh/pool.js';
import { HostExec } from '../src/exec/host-exec.js';
import { probeHost } from '../src/poller/probe-host.js';
import { buildProbeScript, MARKER } from '../src/probe/script.js';
import { SETTINGS_DEFAULTS } from '../src/persist/settings.js';
import type { Machine } from '../src/model/index.js';
import { BENCH_SERVICES } from './canned-probe.js';
import {
  ansibleCycle,
  ansibleSetup,
  closeControlMasters,
  floorCycle,
  muxCycle,
  openControlMasters,
  opensshOneAtATime,
  psshCycle,
  type BaselineEnv,
  type CycleResult,
} from './baselines.js';
import { failedCount, runsNote, toolRun } from './outcomes.js';
import { probeFigures, type Measured, type ProbeMeasurements } from './probe-figures.js';
import { pidsMentioning, readMachineCpu, treeCpuMs } from './proc-cpu.js';
import { diffBytes, snapshotSockets, socketsOf } from './socket-bytes.js';
import { opensshMatchingOptions, parseSshdKex } from './sshd-kex.js';
import { readSince, sshdAvailable, startSshdFleet, type SshdFleet } from './sshd-fleet.js';
import type { Figure } from './stats.js';

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map(Number).filter((n) => n > 0);

function missingTools(): string[] {
  return ['parallel-ssh', 'ansible', '/usr/bin/time', 'ss', 'xargs'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/**
 * Wraps one cycle of any tool with the readings taken outside it: the hosts' CPU and the bytes on the
 * tool's own sockets (remlite's are this process's; every other tool's are not), so connections of
 * another tool left open meanwhile are not counted.
 */
async function measured(fleet: SshdFleet, cycle: () => Promise<CycleResult>, opts: { ours: boolean; newConnections: boolean }): Promise<Measured> {
  const sockets = () => socketsOf(snapshotSockets(fleet.cidr), process.pid, opts.ours);
  const hostBefore = treeCpuMs(fleet.listenerPids);
  const before = sockets();
  const machineBefore = readMachineCpu();
  const r = await cycle();
  const machineAfter = readMachineCpu();
  const after = sockets();
  const hostCpuMs = treeCpuMs(fleet.listenerPids) - hostBefore;
  const bytes = diffBytes(before, after);
  if (!opts.newConnections && bytes.opened > 0) r.run.failed.set('(connections)', `${bytes.opened} new connections during a warm cycle: not reused`);
  const machine = { busyMs: machineAfter.busyMs - machineBefore.busyMs, totalMs: machineAfter.totalMs - machineBefore.totalMs };
  return { ms: r.ms, cpuMs: r.cpuMs, hostCpuMs, machine, bytes: bytes.total, run: r.run };
}

/** One probe cycle of remlite over `machines`: its wall time, this process's CPU, the hosts that failed. */
async function remliteCycle(pool: SshPool, machines: Machine[]): Promise<CycleResult> {
  const exec = new HostExec(pool);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const results = await Promise.all(machines.map((m) => probeHost(exec, m, { timeoutMs: 60_000, slowThresholdMs: 120_000 })));
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const ok = new Set(results.filter((r) => r.reach === 'ok').map((r) => r.machineId));
  const reasons = new Map(results.filter((r) => r.reach !== 'ok').map((r) => [r.machineId, `${r.reach}: ${r.error ?? ''}`]));
  return { ms, cpuMs: (used.user + used.system) / 1000, run: toolRun(machines.map((m) => m.id), ok, reasons) };
}

export async function benchProbeCycle(tmp: string, hosts = Number(process.env['BENCH_SSHD_HOSTS'] ?? 200)): Promise<Figure[]> {
  if (!sshdAvailable()) {
    return [{ metric: 'probe cycle: skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: 'needs root and /usr/sbin/sshd' }];
  }
  const missing = missingTools();
  if (missing.length) {
    return [{ metric: 'probe cycle: skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: `missing ${missing.join(', ')}: apt-get install pssh ansible-core time iproute2 findutils` }];
  }
  const defaultParallel = SETTINGS_DEFAULTS.maxConcurrent;
  const coldSweep = list('BENCH_COLD_SWEEP', `32,${defaultParallel},200`).map((p) => Math.min(p, hosts));
  const warmSweep = list('BENCH_WARM_SWEEP', `${defaultParallel},200`).map((p) => Math.min(p, hosts));
  const coldRuns = Number(process.env['BENCH_COLD_RUNS'] ?? 3);
  const warmRuns = Number(process.env['BENCH_WARM_RUNS'] ?? 5);
  const ansibleRuns = Number(process.env['BENCH_ANSIBLE_RUNS'] ?? 3);
  const oneAtATime = Number(process.env['BENCH_ONE_AT_A_TIME'] ?? 20);
  const dir = path.join(tmp, 'sshd');
  const fleet = await startSshdFleet(dir, hosts, process.env['BENCH_SSHD_ADDR_BASE'] ?? '127.78.0');
  const progress = (s: string) => process.stderr.write(`bench: probe: ${s}\n`);
  let cpDir: string | undefined;
  let ansibleCp: string | undefined;
  const env: BaselineEnv = { work: path.join(tmp, 'tools'), addresses: fleet.addresses, scriptFile: path.join(dir, 'probe.sh'), sshOptions: [] };
  try {
    const script = buildProbeScript(BENCH_SERVICES);
    writeFileSync(env.scriptFile, script);
    const machines: Machine[] = fleet.addresses.map((a) => ({
      id: a,
      name: a,
      provider: 'datacenter',
      site: 'bench',
      pool: 'bench',
      role: '',
      ssh: { host: a, port: 22, user: 'root', identityFiles: [fleet.clientKey], knownHostsFiles: [fleet.knownHosts] },
      services: BENCH_SERVICES,
      logs: [],
      origin: 'bench',
    }));
    const newPool = (maxConcurrent: number) => new SshPool({ maxConcurrent, agentSocket: false, readyTimeoutMs: 60_000 });
    let witness = 0;
    const negotiatedSince = () => {
      const r = readSince(fleet.witnessLog, witness);
      witness = r.offset;
      return parseSshdKex(r.text);
    };
    const m: ProbeMeasurements = {
      hosts,
      defaultParallel,
      floor: [],
      cold: coldSweep.map((parallel) => ({ parallel, remlite: [], pssh: [] })),
      warm: warmSweep.map((parallel) => ({ parallel, remlite: [], floor: [], mux: [], ansible: [] })),
      negotiated: {},
      options: { openssh: '', ansible: '' },
    };
    const floor = async (tag: string) => {
      progress(`floor ${tag}`);
      // Not on the hosts, no network: the floor has only its own CPU.
      const r = await floorCycle(env, tag);
      m.floor.push({ ms: r.ms, cpuMs: r.cpuMs, hostCpuMs: NaN, run: r.run });
    };
    await floor('start');

    // Cold: remlite's first cycle then parallel-ssh at each concurrency, interleaved so load shifts hit both.
    for (let rep = 0; rep < coldRuns; rep++) {
      for (const c of m.cold) {
        progress(`cold ${rep + 1}/${coldRuns}, concurrency ${c.parallel}`);
        negotiatedSince();
        const pool = newPool(c.parallel);
        try {
          c.remlite.push(await measured(fleet, () => remliteCycle(pool, machines), { ours: true, newConnections: true }));
        } finally {
          await pool.close();
        }
        if (!m.negotiated.remlite) {
          // OpenSSH gets the same key exchange and the cipher ssh2 chose.
          m.negotiated.remlite = negotiatedSince();
          env.sshOptions = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', fleet.clientKey, '-o', `UserKnownHostsFile=${fleet.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', ...opensshMatchingOptions(m.negotiated.remlite)];
          m.options.openssh = env.sshOptions.filter((o) => o !== '-o').join(' ');
        }
        negotiatedSince();
        c.pssh.push(await measured(fleet, () => psshCycle(env, c.parallel, `${c.parallel}-${rep}`), { ours: false, newConnections: true }));
        m.negotiated.openssh ??= negotiatedSince();
      }
    }
    // One new connection at a time to one host (not the witness): each client's and sshd's cost per connection.
    progress(`one connection at a time x${oneAtATime}, OpenSSH then ssh2`);
    const single = fleet.addresses[1] ?? fleet.addresses[0]!;
    const singlePid = fleet.listenerPids[fleet.addresses.indexOf(single)]!;
    const perConnection = async (cycle: () => Promise<CycleResult>): Promise<Measured> => {
      const hostBefore = treeCpuMs([singlePid]);
      const r = await cycle();
      const n = oneAtATime;
      return { ms: r.ms / n, cpuMs: r.cpuMs / n, hostCpuMs: (treeCpuMs([singlePid]) - hostBefore) / n, run: r.run };
    };
    const singleMachine = machines[fleet.addresses.indexOf(single)]!;
    m.oneAtATime = {
      connections: oneAtATime,
      openssh: await perConnection(() => opensshOneAtATime(env, single, oneAtATime)),
      ssh2: await perConnection(async () => {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const failed = new Map<string, string>();
        for (let i = 0; i < oneAtATime; i++) {
          const pool = newPool(1);
          try {
            const r = await probeHost(new HostExec(pool), singleMachine, { timeoutMs: 60_000, slowThresholdMs: 120_000 });
            if (r.reach !== 'ok' && !failed.size) failed.set(single, `connection ${i + 1}: ${r.reach}: ${r.error ?? ''}`);
          } finally {
            await pool.close();
          }
        }
        const used = process.cpuUsage(cpu);
        return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, run: { hosts: 1, failed } };
      }),
    };

    progress('parallel-ssh bytes (LogLevel=VERBOSE, not timed)');
    const bytesRun = await psshCycle(env, Math.max(...coldSweep), 'bytes', true);
    const bytesFailed = failedCount([bytesRun.run]) > 0;
    if (!bytesFailed && bytesRun.bytesPerHost !== undefined) m.psshBytesPerHost = bytesRun.bytesPerHost;
    else m.psshBytesMissing = bytesFailed ? `the byte-count run failed: ${runsNote([bytesRun.run], 2)}` : bytesRun.bytesMissing;
    await floor('middle');

    // Warm: OpenSSH masters first; then at each concurrency remlite's steady cycle (after one connecting
    // cycle, not counted), the floor and the fan-out over the masters, in turn, so load shifts hit all three.
    progress('warm: opening OpenSSH ControlMaster masters');
    negotiatedSince();
    const masters = await openControlMasters(env);
    cpDir = masters.cpDir;
    m.negotiated.mux = negotiatedSince();
    const openFailed = masters.run.failed.size > 0 || masters.masters !== hosts;
    for (const w of m.warm) {
      progress(`warm remlite / floor / ControlMaster fan-out, concurrency ${w.parallel}`);
      const pool = newPool(w.parallel);
      try {
        await remliteCycle(pool, machines);
        for (let i = 0; i < warmRuns; i++) {
          w.remlite.push(await measured(fleet, () => remliteCycle(pool, machines), { ours: true, newConnections: false }));
          const f = await floorCycle(env, `${w.parallel}-${i}`);
          w.floor.push({ ms: f.ms, cpuMs: f.cpuMs, hostCpuMs: NaN, run: f.run });
          const r = await measured(fleet, () => muxCycle(env, masters.cpDir, w.parallel, `${w.parallel}-${i}`), { ours: false, newConnections: false });
          if (openFailed) r.run.failed.set('(masters)', `${masters.masters}/${hosts} masters running; ${[...masters.run.failed].slice(0, 2).map(([h, why]) => `${h}: ${why}`).join('; ')}`);
          w.mux.push(r);
        }
      } finally {
        await pool.close();
      }
    }
    await closeControlMasters(env, masters.cpDir);
    // ansible: its first run opens the ControlPersist masters.
    const ans = ansibleSetup(env, fleet.clientKey);
    ansibleCp = ans.cpDir;
    m.options.ansible = ans.sshArgs;
    const marker = `${MARKER} end`;
    progress('warm ansible: first run (opens the masters)');
    negotiatedSince();
    const opening = await ansibleCycle(env, ans, Math.max(...warmSweep), 'open', marker);
    m.negotiated.ansible = negotiatedSince();
    for (const w of m.warm) {
      progress(`warm ansible, -f ${w.parallel}`);
      for (let i = 0; i < ansibleRuns; i++) {
        const r = await measured(fleet, () => ansibleCycle(env, ans, w.parallel, `${w.parallel}-${i}`, marker), { ours: false, newConnections: false });
        for (const [h, why] of opening.run.failed) if (!r.run.failed.has(h)) r.run.failed.set(h, `opening run: ${why}`);
        w.ansible.push(r);
      }
    }
    await floor('end');
    return probeFigures(m);
  } finally {
    // ControlPersist masters left by a failed run: ended by pid (they are ours: they name our directories).
    for (const d of [cpDir, ansibleCp]) if (d) for (const pid of pidsMentioning(d)) if (pid !== process.pid) safeKill(pid);
    await fleet.stop();
  }
}

function safeKill(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

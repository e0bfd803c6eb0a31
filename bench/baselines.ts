// The other tools, run on the same hosts with the same probe script: parallel-ssh (a new connection per
// host), an OpenSSH ControlMaster fan-out (connections shared), ansible with ControlPersist, and the
// script run locally (the floor). Each runs under GNU time, so its CPU includes every process it waited for;
// tool output goes to files, not through this process.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseProbeOutput } from '../src/probe/parse.js';
import { parseAnsibleOneline, parseFanoutStatus, parsePsshStatus, toolRun, type ToolRun } from './outcomes.js';
import { parseGnuTime, pidsMentioning, treeCpuMs } from './proc-cpu.js';
import { parseOpenSshTransferred } from './socket-bytes.js';

export interface TimedRun {
  ms: number;
  /** user + sys of the command and every process it waited for, from GNU time. */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` under /usr/bin/time with stdin from a file and stdout/stderr to files. */
export function runTimed(work: string, cmd: string, args: string[], opts: { stdinFile?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<TimedRun> {
  mkdirSync(work, { recursive: true });
  const timeFile = path.join(work, 'time');
  const outFile = path.join(work, 'stdout');
  const errFile = path.join(work, 'stderr');
  const fds = [openSync(opts.stdinFile ?? '/dev/null', 'r'), openSync(outFile, 'w'), openSync(errFile, 'w')] as const;
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, cmd, ...args], { env: opts.env ?? process.env, stdio: [...fds] });
    fds.forEach((fd) => closeSync(fd));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      const t = existsSync(timeFile) ? parseGnuTime(readFileSync(timeFile, 'utf8')) : undefined;
      resolve({ ms, cpuMs: t ? (t.userS + t.sysS) * 1000 : NaN, code, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') });
    });
  });
}

export interface BaselineEnv {
  work: string;
  addresses: string[];
  scriptFile: string;
  /** OpenSSH client options shared by every OpenSSH-based tool (keys, known_hosts, kex, cipher). */
  sshOptions: string[];
}

export interface CycleResult {
  ms: number;
  cpuMs: number;
  run: ToolRun;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Hosts whose saved stdout is not a complete probe output fail with that reason. */
function checkOutputs(run: ToolRun, ok: Set<string>, outputOf: (host: string) => string | undefined): ToolRun {
  for (const h of ok) {
    const out = outputOf(h);
    const parsed = out === undefined ? undefined : parseProbeOutput(out);
    if (!parsed?.ok) run.failed.set(h, out === undefined ? 'no output saved' : `output is not a probe: ${parsed && !parsed.ok ? parsed.error : ''}`.slice(0, 160));
  }
  return run;
}

/** parallel-ssh -p P: a fresh ssh per host, the script on stdin to `sh -s`. `verbose` adds LogLevel=VERBOSE (byte counts). */
export async function psshCycle(env: BaselineEnv, parallel: number, tag: string, verbose = false): Promise<CycleResult & { bytesPerHost?: number; bytesMissing?: string }> {
  const work = path.join(env.work, `pssh-${tag}`);
  rmSync(work, { recursive: true, force: true });
  const hostsFile = path.join(env.work, 'pssh-hosts');
  writeFileSync(hostsFile, env.addresses.map((a) => `root@${a}`).join('\n') + '\n');
  const opts = [...env.sshOptions, ...(verbose ? ['-o', 'LogLevel=VERBOSE'] : [])].join(' ');
  const out = path.join(work, 'out');
  const err = path.join(work, 'err');
  const r = await runTimed(work, 'parallel-ssh', ['-h', hostsFile, '-p', String(parallel), '-t', '120', '-o', out, '-e', err, '-x', opts, '-I', 'sh -s'], {
    stdinFile: env.scriptFile,
    timeoutMs: 300_000,
  });
  const status = parsePsshStatus(r.stdout);
  const fileOf = (dir: string, h: string) => [path.join(dir, h), path.join(dir, `root@${h}`)].find((f) => existsSync(f));
  for (const [h, why] of status.reasons) {
    const f = fileOf(err, h);
    const last = f ? readFileSync(f, 'utf8').trim().split('\n').filter((l) => !/^Transferred|^Authenticated|^Bytes per/.test(l)).pop() : undefined;
    if (last) status.reasons.set(h, `${why}: ${last.slice(0, 160)}`);
  }
  const run = checkOutputs(toolRun(env.addresses, status.ok, status.reasons), status.ok, (h) => {
    const f = fileOf(out, h);
    return f ? readFileSync(f, 'utf8') : undefined;
  });
  let bytesPerHost: number | undefined;
  let bytesMissing: string | undefined;
  if (verbose) {
    const counts = existsSync(err) ? readdirSync(err).map((f) => parseOpenSshTransferred(readFileSync(path.join(err, f), 'utf8'))).filter((n): n is number => n !== undefined) : [];
    if (counts.length === env.addresses.length) bytesPerHost = counts.reduce((a, b) => a + b, 0) / counts.length;
    else bytesMissing = `${counts.length} of ${env.addresses.length} hosts' stderr held OpenSSH's "Transferred:" line`;
  }
  if (!Number.isFinite(r.cpuMs)) run.failed.set('(tool)', `parallel-ssh exit ${r.code}, no time report`);
  return { ms: r.ms, cpuMs: r.cpuMs, run, ...(bytesPerHost !== undefined ? { bytesPerHost } : {}), ...(bytesMissing ? { bytesMissing } : {}) };
}

/** Opens one ControlMaster per host (ControlPersist: they stay in the background). Returns their control dir. */
export async function openControlMasters(env: BaselineEnv): Promise<{ cpDir: string; masters: number; run: ToolRun }> {
  const cpDir = path.join(env.work, 'cm');
  mkdirSync(cpDir, { recursive: true, mode: 0o700 });
  const wrapper = path.join(env.work, 'open-master.sh');
  writeFileSync(wrapper, `ssh ${env.sshOptions.map(shq).join(' ')} -o ControlMaster=yes -o ControlPersist=yes -o ${shq(`ControlPath=${cpDir}/%h`)} -fN root@"$1" </dev/null; echo "$1 $?"\n`);
  const hostsFile = path.join(env.work, 'plain-hosts');
  writeFileSync(hostsFile, env.addresses.join('\n') + '\n');
  const r = await runTimed(path.join(env.work, 'cm-open'), 'xargs', ['-a', hostsFile, '-P', '64', '-n', '1', 'sh', wrapper], { timeoutMs: 300_000 });
  const status = parseFanoutStatus(r.stdout);
  return { cpDir, masters: pidsMentioning(`ControlPath=${cpDir}/`).length, run: toolRun(env.addresses, status.ok, status.reasons) };
}

/** One fan-out over the open masters: `xargs -P P` of `ssh -o ControlMaster=no -o ControlPath=...`. */
export async function muxCycle(env: BaselineEnv, cpDir: string, parallel: number, tag: string): Promise<CycleResult & { mastersCpuMs: number }> {
  const work = path.join(env.work, `mux-${tag}`);
  rmSync(work, { recursive: true, force: true });
  const out = path.join(work, 'out');
  mkdirSync(out, { recursive: true });
  const wrapper = path.join(env.work, 'mux-one.sh');
  writeFileSync(
    wrapper,
    // xargs calls it as `sh mux-one.sh OUTDIR HOST`.
    `ssh ${env.sshOptions.map(shq).join(' ')} -o ControlMaster=no -o ${shq(`ControlPath=${cpDir}/%h`)} root@"$2" sh -s <${shq(env.scriptFile)} >"$1/$2" 2>"$1/$2.err"; echo "$2 $?"\n`,
  );
  const hostsFile = path.join(env.work, 'plain-hosts');
  const masters = pidsMentioning(`ControlPath=${cpDir}/`);
  const mastersBefore = treeCpuMs(masters);
  const r = await runTimed(work, 'xargs', ['-a', hostsFile, '-P', String(parallel), '-n', '1', 'sh', wrapper, out], { timeoutMs: 300_000 });
  const mastersCpuMs = treeCpuMs(masters) - mastersBefore;
  const status = parseFanoutStatus(r.stdout);
  const run = checkOutputs(toolRun(env.addresses, status.ok, status.reasons), status.ok, (h) => {
    const f = path.join(out, h);
    return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
  });
  return { ms: r.ms, cpuMs: r.cpuMs + mastersCpuMs, mastersCpuMs, run };
}

/** Ends the masters opened by openControlMasters. */
export async function closeControlMasters(env: BaselineEnv, cpDir: string): Promise<void> {
  const wrapper = path.join(env.work, 'close-master.sh');
  writeFileSync(wrapper, `ssh ${env.sshOptions.map(shq).join(' ')} -o ${shq(`ControlPath=${cpDir}/%h`)} -O exit root@"$1" 2>/dev/null\n`);
  await runTimed(path.join(env.work, 'cm-close'), 'xargs', ['-a', path.join(env.work, 'plain-hosts'), '-P', '64', '-n', '1', 'sh', wrapper], { timeoutMs: 120_000 });
}

export interface AnsibleSetup {
  inventory: string;
  cpDir: string;
  env: NodeJS.ProcessEnv;
  /** The ssh options ansible is given, for the report. */
  sshArgs: string;
}

/** ansible ad hoc, -m raw: ControlPersist masters (opened by the first run), no -tt (use_tty off), no -C. */
export function ansibleSetup(env: BaselineEnv, clientKey: string): AnsibleSetup {
  const cpDir = path.join(env.work, 'ans-cp');
  mkdirSync(cpDir, { recursive: true, mode: 0o700 });
  const inventory = path.join(env.work, 'inventory.ini');
  const common = env.sshOptions.filter((o) => o !== '-i' && o !== clientKey).join(' ');
  writeFileSync(
    inventory,
    ['[bench]', ...env.addresses.map((a) => `${a} ansible_user=root ansible_ssh_private_key_file=${clientKey}`), '', '[bench:vars]', `ansible_ssh_common_args='${common}'`, ''].join('\n'),
  );
  // ansible's default ssh_args are "-C -o ControlMaster=auto -o ControlPersist=60s": the same without compression.
  const sshArgs = '-o ControlMaster=auto -o ControlPersist=600s';
  return {
    inventory,
    cpDir,
    sshArgs: `${sshArgs} ${common}`,
    env: {
      ...process.env,
      ANSIBLE_SSH_ARGS: sshArgs,
      ANSIBLE_SSH_USETTY: 'False',
      ANSIBLE_SSH_CONTROL_PATH_DIR: cpDir,
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_LOCAL_TEMP: path.join(env.work, 'ans-tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_STDOUT_CALLBACK: 'oneline',
      ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    },
  };
}

export async function ansibleCycle(env: BaselineEnv, setup: AnsibleSetup, forks: number, tag: string, marker: string): Promise<CycleResult & { mastersCpuMs: number }> {
  const script = readFileSync(env.scriptFile, 'utf8');
  const masters = pidsMentioning(setup.cpDir);
  const mastersBefore = treeCpuMs(masters);
  const r = await runTimed(path.join(env.work, `ansible-${tag}`), 'ansible', ['all', '-i', setup.inventory, '-f', String(forks), '-m', 'raw', '-a', `sh -c ${shq(script)}`], {
    env: setup.env,
    timeoutMs: 600_000,
  });
  const mastersCpuMs = treeCpuMs(masters) - mastersBefore;
  const status = parseAnsibleOneline(r.stdout, marker);
  return { ms: r.ms, cpuMs: r.cpuMs + mastersCpuMs, mastersCpuMs, run: toolRun(env.addresses, status.ok, status.reasons) };
}

/** The floor: the probe script run N times at once on this machine, no ssh. */
export async function floorCycle(env: BaselineEnv, tag: string): Promise<CycleResult> {
  const n = env.addresses.length;
  const r = await runTimed(path.join(env.work, `floor-${tag}`), 'sh', ['-c', `i=0; while [ $i -lt ${n} ]; do sh -s <${shq(env.scriptFile)} >/dev/null 2>&1 & i=$((i+1)); done; wait`], {
    timeoutMs: 120_000,
  });
  const ok = new Set(r.code === 0 ? env.addresses : []);
  return { ms: r.ms, cpuMs: r.cpuMs, run: toolRun(env.addresses, ok, new Map(env.addresses.map((a) => [a, `local fan-out exit ${r.code}`]))) };
}

/** `n` OpenSSH connections to one host, one after the other, each running the probe: the per-connection cost without contention. */
export async function opensshOneAtATime(env: BaselineEnv, host: string, n: number): Promise<CycleResult> {
  const ssh = `ssh ${env.sshOptions.map(shq).join(' ')} root@${host} sh -s <${shq(env.scriptFile)} >/dev/null`;
  const r = await runTimed(path.join(env.work, 'one-at-a-time'), 'sh', ['-c', `i=0; while [ $i -lt ${n} ]; do ${ssh} || echo "failed $i: exit $?"; i=$((i+1)); done`], {
    timeoutMs: 300_000,
  });
  const failures = r.stdout.split('\n').filter((l) => l.startsWith('failed'));
  const ok = new Set(failures.length || r.code !== 0 ? [] : [host]);
  return { ms: r.ms, cpuMs: r.cpuMs, run: toolRun([host], ok, new Map([[host, failures[0] ?? `exit ${r.code}`]])) };
}

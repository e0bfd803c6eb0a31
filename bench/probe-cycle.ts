// Metric 2: one full probe cycle over 200 real sshd hosts (one sshd process per loopback address),
// remlite's persistent connections vs parallel-ssh and ansible running the same probe script.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { SshPool } from '../src/ssh/pool.js';
import { HostExec } from '../src/exec/host-exec.js';
import { probeHost } from '../src/poller/probe-host.js';
import { buildProbeScript } from '../src/probe/script.js';
import type { Machine } from '../src/model/index.js';
import { BENCH_SERVICES } from './canned-probe.js';
import { figure, median, sleep, type Figure } from './stats.js';

const SSHD = '/usr/sbin/sshd';

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'remlite-bench', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Runs a command to its end; resolves with its wall time. Killed (and failed) after timeoutMs. */
function timed(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; count?: RegExp },
): Promise<{ ms: number; code: number | null; out: string; counted: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let counted = 0;
    if (opts.count) {
      const re = opts.count;
      createInterface({ input: child.stdout }).on('line', (l) => {
        if (re.test(l)) counted++;
      });
    } else child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
    child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, out, counted });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export async function benchProbeCycle(tmp: string, hosts = Number(process.env['BENCH_SSHD_HOSTS'] ?? 200)): Promise<Figure[]> {
  if (process.getuid?.() !== 0 || !existsSync(SSHD)) {
    return [{ metric: 'probe cycle: skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: 'needs root and /usr/sbin/sshd' }];
  }
  const dir = path.join(tmp, 'sshd');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  chmodSync(clientKey, 0o600);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(clientKey + '.pub'), { mode: 0o600 });
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const addresses = Array.from({ length: hosts }, (_, i) => `127.78.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, addresses.map((a) => `${a} ${hostPub}`).join('\n') + '\n', { mode: 0o600 });
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'MaxStartups 300:30:400',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const children: ChildProcess[] = [];
  const script = buildProbeScript(BENCH_SERVICES);
  const scriptFile = path.join(dir, 'probe.sh');
  writeFileSync(scriptFile, script);
  const figures: Figure[] = [];
  try {
    // Root's ~/.bashrc on this machine runs `pyenv init` (about 150 ms per ssh session, in every tool alike):
    // each sshd runs in its own mount namespace where the login shell finds an empty ~/.bashrc, as on a lean server.
    const emptyRc = path.join(dir, 'bashrc');
    writeFileSync(emptyRc, '');
    const realRc = process.env['BENCH_REAL_BASHRC'] === '1';
    for (const a of addresses) {
      const sshd = `exec ${SSHD} -D -e -f ${config} -o ListenAddress=${a}:22`;
      const c = realRc
        ? spawn(SSHD, ['-D', '-e', '-f', config, '-o', `ListenAddress=${a}:22`], { stdio: ['ignore', 'ignore', 'ignore'] })
        : spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${emptyRc} /root/.bashrc && ${sshd}`], { stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(c);
    }
    const deadline = Date.now() + 30_000;
    for (const a of addresses) {
      while (!(await canConnect(a, 22))) {
        if (Date.now() > deadline) throw new Error(`sshd on ${a}:22 did not start`);
        await sleep(50);
      }
    }

    // The probe script's own cost on this machine: 200 local runs, all at once (the floor for every tool).
    const localRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await Promise.all(addresses.map(() => timed('sh', ['-s'], { input: script, timeoutMs: 60_000 })));
      localRuns.push(performance.now() - t);
    }

    // remlite: SshPool + probe, persistent connections. First cycle connects; then 5 timed cycles.
    const machines: Machine[] = addresses.map((a, i) => ({
      id: `h${i}`,
      name: `h${i}`,
      provider: 'datacenter',
      site: 'bench',
      pool: 'bench',
      role: '',
      ssh: { host: a, port: 22, user: 'root', identityFiles: [clientKey], knownHostsFiles: [knownHosts] },
      services: BENCH_SERVICES,
      logs: [],
      origin: 'bench',
    }));
    const ours = async (maxConcurrent: number): Promise<{ connect: number; cycles: number[]; failed: number }> => {
      const pool = new SshPool({ maxConcurrent, agentSocket: false, readyTimeoutMs: 30_000 });
      const exec = new HostExec(pool);
      const cycle = async () => {
        const t = performance.now();
        const results = await Promise.all(machines.map((m) => probeHost(exec, m, { timeoutMs: 30_000, slowThresholdMs: 60_000 })));
        return { ms: performance.now() - t, failed: results.filter((r) => r.reach !== 'ok').length, first: results.find((r) => r.reach !== 'ok') };
      };
      try {
        const first = await cycle();
        if (first.failed) throw new Error(`${first.failed} hosts failed the first cycle: ${first.first?.error}`);
        const cycles: number[] = [];
        let failed = 0;
        for (let i = 0; i < 5; i++) {
          const c = await cycle();
          cycles.push(c.ms);
          failed += c.failed;
        }
        return { connect: first.ms, cycles, failed };
      } finally {
        await pool.close();
      }
    };
    const def = await ours(64);
    const wide = await ours(hosts);

    // parallel-ssh (Debian pssh): a fresh ssh per host per run, the script on stdin to `sh -s`.
    const hostsFile = path.join(dir, 'hosts');
    writeFileSync(hostsFile, addresses.map((a) => `root@${a}`).join('\n') + '\n');
    const sshOpts = `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o IdentitiesOnly=yes -i ${clientKey} -o BatchMode=yes`;
    const psshRuns: number[] = [];
    let psshOk = true;
    for (let r = 0; r < 5; r++) {
      const p = await timed('parallel-ssh', ['-h', hostsFile, '-p', String(hosts), '-t', '120', '-x', sshOpts, '-I', 'sh -s'], { input: script, timeoutMs: 180_000, count: /\[SUCCESS\]/ });
      psshRuns.push(p.ms);
      if (p.counted !== hosts) psshOk = false;
    }

    // ansible ad hoc (Debian ansible): -m raw runs `sh -c <script>` over ssh (ControlPersist reuses connections between runs).
    const inv = path.join(dir, 'inventory.ini');
    writeFileSync(
      inv,
      ['[bench]', ...addresses.map((a) => `${a} ansible_user=root ansible_ssh_private_key_file=${clientKey}`), '', '[bench:vars]', `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'`, ''].join('\n'),
    );
    const ansibleEnv = { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_LOCAL_TEMP: path.join(dir, 'ans-tmp'), ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(dir, 'ans-cp'), ANSIBLE_NOCOLOR: '1', ANSIBLE_STDOUT_CALLBACK: 'oneline' };
    const forks = Number(process.env['BENCH_ANSIBLE_FORKS'] ?? 200);
    const ansRuns: number[] = [];
    let ansOk = true;
    let ansNote = '';
    for (let r = 0; r < 4; r++) {
      const a = await timed('ansible', ['all', '-i', inv, '-f', String(forks), '-m', 'raw', '-a', `sh -c ${shq(script)}`], { env: ansibleEnv, timeoutMs: 300_000, count: /^\S+ \| (CHANGED|SUCCESS) \| rc=0/ });
      if (r === 0) continue; // opens the ControlPersist masters
      ansRuns.push(a.ms);
      if (a.counted !== hosts) {
        ansOk = false;
        ansNote = `${a.counted}/${hosts} hosts ok`;
      }
    }

    const ourMedian = median(def.cycles);
    figures.push(
      figure(`probe cycle, ${hosts} sshd, remlite (persistent, maxConcurrent 64 = default)`, '<= 2000 ms', 'ms', def.cycles, (m) => m <= 2000, def.failed ? `${def.failed} failed probes` : `first cycle (connect + probe) ${def.connect.toFixed(0)} ms`),
      figure(`probe cycle, ${hosts} sshd, remlite (maxConcurrent ${hosts})`, '<= 2000 ms', 'ms', wide.cycles, (m) => m <= 2000, `first cycle (connect + probe) ${wide.connect.toFixed(0)} ms`),
      figure(`baseline: parallel-ssh -p ${hosts}, same script`, 'info', 'ms', psshRuns, undefined, psshOk ? 'every host SUCCESS' : 'NOT every host succeeded'),
      figure(`baseline: ansible -m raw -f ${forks}, same script`, 'info', 'ms', ansRuns, undefined, `${ansOk ? 'every host ok' : `NOT every host ok (${ansNote})`}; ControlPersist warm (first run not counted)`),
      figure('speed-up vs parallel-ssh (median / median)', '>= 10x', 'x', [median(psshRuns) / Math.min(ourMedian, median(wide.cycles))], (m) => m >= 10),
      figure('speed-up vs ansible (median / median)', '>= 10x', 'x', [median(ansRuns) / Math.min(ourMedian, median(wide.cycles))], (m) => m >= 10),
      figure(`floor: the probe script run locally x${hosts} at once (sh -s)`, 'info', 'ms', localRuns),
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(200);
  }
  return figures;
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// 1,000 real OpenSSH connections: the console (the bundle, as `npm start` runs it, under a pty) over
// 1,000 loopback addresses served by real sshd processes (16 addresses per sshd, its most; each
// connection is its own sshd session process). Each probe is answered by a forced command with
// canned output of the real probe script for that host (the hosts' own CPU is not what is measured
// here; probe-cycle.ts measures that). RSS (no forced GC) and CPU of the console's process: with its
// connections open and no poll due (--interval 3600), and polling at the default 5 s interval.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { END_MARK, KEPT_FUNCTION_PREFIX, START_MARK } from '../src/ssh/shell-frame.js';
import { BENCH_SERVICES, cannedOutput } from './canned-probe.js';
import { figure, sleep, type Figure } from './stats.js';
import { reapOnExit } from './child-reaper.js';
import { untilListening } from './sshd-fleet.js';

const SSHD = '/usr/sbin/sshd';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const PER_SSHD = 16; // sshd's MAX_LISTEN_SOCKS
const TICK = 100; // clock ticks a second (/proc stat times)

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'remlite-bench', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

/** The process ids below `pid` (via /proc/PID/task/TID/children). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    const kids: number[] = [];
    try {
      for (const t of readdirSync(`/proc/${p}/task`)) kids.push(...readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return;
    }
    for (const k of kids) {
      out.push(k);
      walk(k);
    }
  };
  walk(pid);
  return out;
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** RSS (MB) and CPU time (s, user + system) of one process. */
function usage(pid: number): { rssMb: number; hwmMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuS: (Number(f[11]) + Number(f[12])) / TICK };
}

/** Speaks the resident shell's framing (see src/ssh/shell-frame.ts) with canned answers (mawk, reading line by line). */
const RESIDENT_AWK = [
  'function canned(  l) { print "" >> answered; close(answered); while ((getline l < out) > 0) print l; close(out) }',
  `/${START_MARK}[0-9a-f]/ { match($0, /${START_MARK}[0-9a-f]+/); n = substr($0, RSTART + ${START_MARK.length}, RLENGTH - ${START_MARK.length}); framed = 1; body = 0; kept = 0`,
  `  printf "${START_MARK}%s\\n", n; printf "${START_MARK}%s\\n", n > "/dev/stderr"; fflush(); fflush("/dev/stderr"); next }`,
  `framed && index($0, "${END_MARK}" n) { if (kept || body > 3) canned()`,
  `  printf "\\n${END_MARK}%s 0\\n", n; printf "\\n${END_MARK}%s\\n", n > "/dev/stderr"; fflush(); fflush("/dev/stderr"); next }`,
  // A run calling the probe the shell keeps as a function (sent once, defined before its first frame).
  `/^${KEPT_FUNCTION_PREFIX}[0-9a-f]+$/ { kept = 1 }`,
  '{ body++ }',
  'END { if (!framed) canned() }',
].join('\n');

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export async function benchRealSsh1000(tmp: string, hosts = Number(process.env['BENCH_REAL_SSH_HOSTS'] ?? 1000)): Promise<Figure[]> {
  if (process.getuid?.() !== 0 || !existsSync(SSHD)) return [{ metric: `${hosts} real OpenSSH connections: skipped`, target: '', unit: '', samples: [], verdict: 'FAIL', note: 'needs root and /usr/sbin/sshd' }];
  const dir = path.join(tmp, 'sshd-1000');
  mkdirSync(path.join(dir, 'out'), { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  chmodSync(clientKey, 0o600);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(clientKey + '.pub'), { mode: 0o600 });
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const addresses = Array.from({ length: hosts }, (_, i) => `127.72.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, addresses.map((a) => `${a} ${hostPub}`).join('\n') + '\n', { mode: 0o600 });
  addresses.forEach((a, i) => writeFileSync(path.join(dir, 'out', a), cannedOutput(`h${String(i).padStart(4, '0')}`, (i % 17) / 10)));
  const answered = path.join(dir, 'answered');
  writeFileSync(answered, '');
  // The probe script arrives on stdin; the answer is this host's canned output (by the address dialled).
  // remlite runs its probe on a resident shell: awk answers each framed run as that shell would (the
  // empty check run with nothing, a probe (whole, or a call of the function the shell keeps it as) with
  // the canned output), and a plain exec at its end.
  const answer = path.join(dir, 'answer.sh');
  writeFileSync(answer, `set -- $SSH_CONNECTION\nexec mawk -W interactive -v out="${dir}/out/$3" -v answered="${answered}" '${RESIDENT_AWK}'\n`);
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `ForceCommand /bin/sh ${answer}`,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'MaxStartups 300:30:400',
      // Sessions start root's bash without this machine's ~/.bashrc (see test/support/plain-sshd.ts):
      // a heavy one would cost every tool per session, and remlite's one resident shell least.
      'SetEnv SHLVL=1',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const inv = path.join(dir, 'inventory.yaml');
  writeFileSync(
    inv,
    [`defaults:`, `  user: root`, `  key: ${clientKey}`, `  known_hosts: ${knownHosts}`, `  site: bench`, 'hosts:', ...addresses.flatMap((a, i) => [`  - name: h${String(i).padStart(4, '0')}`, `    address: ${a}`, `    pool: p${i % 4}`, `    services: [${BENCH_SERVICES.join(', ')}]`])].join('\n') + '\n',
  );
  const emptyRc = path.join(dir, 'bashrc');
  writeFileSync(emptyRc, '');
  const sshds: ChildProcess[] = [];
  const figures: Figure[] = [];
  try {
    for (let i = 0; i < addresses.length; i += PER_SSHD) {
      const listen = addresses.slice(i, i + PER_SSHD).map((a) => `-o ListenAddress=${a}:22`).join(' ');
      // Root's ~/.bashrc here runs pyenv: each sshd sees an empty one (its own mount namespace).
      sshds.push(spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${emptyRc} /root/.bashrc && exec ${SSHD} -D -e -f ${config} ${listen}`], { stdio: ['ignore', 'ignore', 'ignore'] }));
    }
    reapOnExit(sshds);
    await untilListening(addresses);
    const home = path.join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, REMLITE_CONFIG_DIR: path.join(home, 'config'), REMLITE_STATE_DIR: path.join(home, 'state'), TERM: 'xterm-256color' };
    delete env['CI'];
    const run = async (label: string, extra: string, windowS: number) => {
      writeFileSync(answered, '');
      const cmd = `${process.execPath} ${process.env['BENCH_NODE_ARGS'] ?? ''} ${path.join(ROOT, 'dist/bundle/remlite.cjs')} --no-ssh-config --no-local --inventory ${inv} ${extra}`;
      const script = spawn('script', ['-qec', `stty cols 120 rows 40; exec ${cmd}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
      script.stdout!.on('data', () => undefined);
      script.stdin!.on('error', () => undefined);
      let pid = 0;
      try {
        const started = Date.now();
        while (!pid && Date.now() - started < 20_000) {
          pid = descendants(script.pid!).find((p) => comm(p) === 'node') ?? 0;
          if (!pid) await sleep(100);
        }
        if (!pid) throw new Error('the console did not start');
        // Connected: every host answered one probe.
        while (readFileSync(answered, 'utf8').length < hosts) {
          if (Date.now() - started > 600_000) throw new Error(`${label}: only ${readFileSync(answered, 'utf8').length}/${hosts} hosts answered in 10 min`);
          if (script.exitCode !== null) throw new Error(`${label}: the console exited`);
          await sleep(500);
        }
        const connectS = (Date.now() - started) / 1000;
        await sleep(5000);
        const a = usage(pid);
        const answers0 = readFileSync(answered, 'utf8').length;
        const rss: number[] = [];
        const t0 = Date.now();
        while (Date.now() - t0 < windowS * 1000) {
          await sleep(2000);
          rss.push(usage(pid).rssMb);
        }
        const b = usage(pid);
        const s = (Date.now() - t0) / 1000;
        const polls = readFileSync(answered, 'utf8').length - answers0;
        const sessions = descendants(process.pid).filter((p) => comm(p) === 'sshd').length - sshds.length;
        return { rss, hwm: b.hwmMb, cpuPct: ((b.cpuS - a.cpuS) / s) * 100, pollsPerS: polls / s, connectS, sessions, load: loadavg() };
      } finally {
        script.stdin!.end('q');
        await sleep(1500);
        if (pid && existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGTERM');
        if (script.exitCode === null) script.kill('SIGTERM');
      }
    };
    const idle = await run('idle', '--interval 3600', 20);
    const polling = await run('polling', '', 30);
    const rssMax = (r: typeof idle) => Math.max(...r.rss);
    figures.push(
      figure(`${hosts} real OpenSSH connections: console RSS, connected, no poll due`, '<= 250 MB', 'MB', idle.rss, (m) => m <= 250 && rssMax(idle) <= 250, `max ${rssMax(idle).toFixed(0)} MB, peak (VmHWM) ${idle.hwm.toFixed(0)} MB; every host connected and probed in ${idle.connectS.toFixed(0)} s; ${idle.sessions} sshd processes serving; load ${idle.load}`),
      figure(`${hosts} real OpenSSH connections: console CPU, connected, no poll due`, 'info', '%', [idle.cpuPct], undefined, 'of one core, over 20 s'),
      figure(`${hosts} real OpenSSH connections: console RSS, polling every 5 s (default)`, '<= 250 MB', 'MB', polling.rss, (m) => m <= 250 && rssMax(polling) <= 250, `max ${rssMax(polling).toFixed(0)} MB, peak (VmHWM) ${polling.hwm.toFixed(0)} MB (includes the first cycle); load ${polling.load}`),
      figure(`${hosts} real OpenSSH connections: console CPU, polling every 5 s`, 'info', '%', [polling.cpuPct], undefined, `of one core, over 30 s; ${polling.pollsPerS.toFixed(0)} probes answered a second (${hosts / 5} due)`),
    );
  } finally {
    for (const c of sshds) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(500);
  }
  return figures;
}


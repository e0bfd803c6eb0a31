// N real OpenSSH servers for the bench: one `sshd -D` per loopback address, one shared host key.
// The first one logs at DEBUG1 to its own file: the witness of what each client negotiated.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { reapOnExit } from './child-reaper.js';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { sleep } from './stats.js';

const SSHD = '/usr/sbin/sshd';

export interface SshdFleet {
  addresses: string[];
  /** The listening sshd processes (their trees hold every session). */
  listenerPids: number[];
  /** Where ss should look: the addresses as one CIDR. */
  cidr: string;
  clientKey: string;
  knownHosts: string;
  /** Host 0's DEBUG1 log. */
  witnessLog: string;
  /** The other hosts' log (LogLevel ERROR). */
  errorLog: string;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'remlite-bench', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Waits until every address accepts on port 22 (one minute at most). */
export async function untilListening(addresses: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const a of addresses) {
    while (!(await canConnect(a, 22))) {
      if (Date.now() > deadline) throw new Error(`sshd on ${a}:22 did not start`);
      await sleep(50);
    }
  }
}

/** `base` is three octets ("127.78.0"); hosts take .1-.250 of it and of the next third octets. */
export function fleetAddresses(base: string, hosts: number): { addresses: string[]; cidr: string } {
  const [a, b, c] = base.split('.').map(Number) as [number, number, number];
  const addresses = Array.from({ length: hosts }, (_, i) => `${a}.${b}.${c + Math.floor(i / 250)}.${(i % 250) + 1}`);
  return { addresses, cidr: hosts <= 250 ? `${a}.${b}.${c}.0/24` : `${a}.${b}.0.0/16` };
}

export function sshdAvailable(): boolean {
  try {
    return process.getuid?.() === 0 && statSync(SSHD).isFile();
  } catch {
    return false;
  }
}

export async function startSshdFleet(dir: string, hosts: number, base: string): Promise<SshdFleet> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  chmodSync(clientKey, 0o600);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(clientKey + '.pub'), { mode: 0o600 });
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const { addresses, cidr } = fleetAddresses(base, hosts);
  // Another bench or lab on the same addresses would answer in our place.
  if (await canConnect(addresses[0]!, 22)) throw new Error(`${addresses[0]}:22 is already in use: pick other addresses with BENCH_SSHD_ADDR_BASE`);
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
      // ansible and the ControlMaster fan-out open a session per poll over one connection.
      'MaxSessions 20',
      // Sessions start root's bash without this machine's ~/.bashrc (see test/support/plain-sshd.ts):
      // a heavy one would cost every tool per session, and remlite's one resident shell least.
      'SetEnv SHLVL=1',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const witnessLog = path.join(dir, 'witness-sshd.log');
  const errorLog = path.join(dir, 'sshd-errors.log');
  const witnessFd = openSync(witnessLog, 'a');
  const errorFd = openSync(errorLog, 'a');
  // Root's ~/.bashrc on this machine runs `pyenv init` (about 150 ms per ssh session, in every tool alike):
  // each sshd runs in its own mount namespace where the login shell finds an empty ~/.bashrc, as on a lean server.
  const emptyRc = path.join(dir, 'bashrc');
  writeFileSync(emptyRc, '');
  const realRc = process.env['BENCH_REAL_BASHRC'] === '1';
  const children: ChildProcess[] = [];
  addresses.forEach((a, i) => {
    const args = ['-D', '-e', '-f', config, '-o', `ListenAddress=${a}:22`, ...(i === 0 ? ['-o', 'LogLevel=DEBUG1'] : [])];
    const stdio: ['ignore', 'ignore', number] = ['ignore', 'ignore', i === 0 ? witnessFd : errorFd];
    const c = realRc
      ? spawn(SSHD, args, { stdio })
      : spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${emptyRc} /root/.bashrc && exec ${SSHD} ${args.join(' ')}`], { stdio });
    children.push(c);
  });
  reapOnExit(children);
  closeSync(witnessFd);
  closeSync(errorFd);
  const stop = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await sleep(200);
  };
  try {
    await untilListening(addresses);
  } catch (err) {
    await stop();
    throw err;
  }
  // unshare execs sh, which execs sshd: the spawned pid is the listener.
  const listenerPids = children.map((c) => c.pid).filter((p): p is number => p !== undefined);
  return { addresses, listenerPids, cidr, clientKey, knownHosts, witnessLog, errorLog, stop };
}

/** Text appended to `file` since `offset`, and the new offset. */
export function readSince(file: string, offset: number): { text: string; offset: number } {
  const buf = readFileSync(file);
  return { text: buf.subarray(offset).toString('utf8'), offset: buf.length };
}

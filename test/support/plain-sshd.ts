// Starts a real OpenSSH server on a loopback address for tests, with fresh keys in a temp dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';

export interface PlainSshd {
  address: string;
  port: number;
  dir: string;
  clientKeyPath: string;
  /** "[address]:port ssh-ed25519 AAAA..." (the type is the host key's) */
  hostKeyLine: string;
  /** "ssh-ed25519 AAAA..." without the host name. */
  hostPublicKey: string;
  /** A known_hosts file holding hostKeyLine. */
  knownHostsPath: string;
  logPath: string;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

/** Why sshd tests cannot run here, or undefined when they can. */
export function sshdUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'sshd tests need Linux';
  if (process.getuid?.() !== 0) return 'sshd tests need root (sshd privilege separation)';
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server)`;
  if (!existsSync(SSH_KEYGEN)) return `${SSH_KEYGEN} is not installed (apt-get install openssh-client)`;
  return undefined;
}

export function keygen(path: string, type = 'ed25519'): void {
  const r = spawnSync(SSH_KEYGEN, ['-q', '-t', type, '-N', '', '-C', 'remlite-test', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Picks a free TCP port on the address (bind to 0, read it back, release it). */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface SshdOptions {
  address: string;
  port?: number;
  extraConfig?: string[];
  /** ssh-keygen -t for the (only) host key: 'ed25519' (default), 'ecdsa', 'rsa'. */
  hostKeyType?: string;
  /** Authorize this existing client key instead of a fresh one (a second sshd for the same client). */
  clientKeyPath?: string;
}

export async function startSshd(opts: SshdOptions): Promise<PlainSshd> {
  const reason = sshdUnavailableReason();
  if (reason) throw new Error(reason);
  const { address } = opts;
  const port = opts.port ?? (await freePort(address));
  const dir = mkdtempSync(join(tmpdir(), 'remlite-sshd-'));
  chmodSync(dir, 0o700);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostKeyType = opts.hostKeyType ?? 'ed25519';
  const hostKey = join(dir, `host_${hostKeyType}`);
  const clientKeyPath = opts.clientKeyPath ?? join(dir, 'client_ed25519');
  keygen(hostKey, hostKeyType);
  if (!opts.clientKeyPath) keygen(clientKeyPath);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(clientKeyPath + '.pub'), { mode: 0o600 });

  const hostPublicKey = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const name = port === 22 ? address : `[${address}]:${port}`;
  const hostKeyLine = `${name} ${hostPublicKey}`;
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, hostKeyLine + '\n', { mode: 0o600 });

  const logPath = join(dir, 'sshd.log');
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      // sshd keeps the first value it reads, so the caller's settings come first.
      ...(opts.extraConfig ?? []),
      `ListenAddress ${address}:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel VERBOSE',
      // Sessions run root's shell, and bash reads ~/.bashrc when it finds itself started by sshd: this
      // machine's file, not the fixture's. One here (pyenv's) waits up to 60 s on a lock that a session
      // killed in its middle leaves behind, and then every session of every later test waited. bash
      // counts itself started by sshd only at shell level 1: an inherited SHLVL=1 makes it 2.
      'SetEnv SHLVL=1',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(SSHD, ['-D', '-E', logPath, '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + 10_000;
  while (!(await canConnect(address, port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGTERM');
      const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
      throw new Error(`sshd did not start on ${address}:${port}: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const pid = child.pid ?? -1;
  return {
    address,
    port,
    dir,
    clientKeyPath,
    hostKeyLine,
    hostPublicKey,
    knownHostsPath,
    logPath,
    pid,
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    stop: async () => {
      if (!exited) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

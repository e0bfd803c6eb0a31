// Access to the lab of real systemd hosts (test/lab/lab.sh) for integration tests.
// When the lab cannot run on this machine the functions answer { skip: reason }, so a test can
// call `t.skip(reason)` and every other test still runs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabHost {
  name: string;
  address: string;
  pool: string;
  pid: number;
}

export interface LabInfo {
  dir: string;
  inventoryPath: string;
  knownHostsPath: string;
  clientKeyPath: string;
  hosts: LabHost[];
}

export interface LabSkip {
  skip: string;
}

export interface LabExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Exit code lab.sh uses for "a prerequisite is missing on this machine". */
const LAB_MISSING_PREREQ = 3;

export function labDir(): string {
  return process.env['REMLITE_LAB_DIR'] ?? '/tmp/remlite-lab';
}

/** test/lab/lab.sh, found from this file whether it runs from test/support or dist/test/support. */
export function labScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'test', 'lab', 'lab.sh');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('lab.sh not found above ' + dirname(fileURLToPath(import.meta.url)));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parseHosts(value: unknown): LabHost[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const hosts: LabHost[] = [];
  for (const h of value as Array<Record<string, unknown>>) {
    const { name, address, pool, pid } = h;
    if (typeof name !== 'string' || typeof address !== 'string' || typeof pool !== 'string' || typeof pid !== 'number') {
      return undefined;
    }
    hosts.push({ name, address, pool, pid });
  }
  return hosts;
}

/** Reads the running lab's state.json; a skip reason when the lab is not running. */
export function labInfo(): LabInfo | LabSkip {
  const dir = labDir();
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) return { skip: `lab is not running (no ${statePath}; start it with: npm run lab)` };
  let hosts: LabHost[] | undefined;
  try {
    hosts = parseHosts((JSON.parse(readFileSync(statePath, 'utf8')) as { hosts?: unknown }).hosts);
  } catch (err) {
    return { skip: `lab state ${statePath} is unreadable: ${(err as Error).message}` };
  }
  if (!hosts || hosts.length === 0) return { skip: `lab state ${statePath} lists no hosts` };
  const dead = hosts.filter((h) => !isAlive(h.pid));
  if (dead.length > 0) return { skip: `lab hosts are not running: ${dead.map((h) => h.name).join(', ')}` };
  return {
    dir,
    inventoryPath: join(dir, 'inventory.yaml'),
    knownHostsPath: join(dir, 'known_hosts'),
    clientKeyPath: join(dir, 'client_ed25519'),
    hosts,
  };
}

export function isLabSkip(x: LabInfo | LabSkip): x is LabSkip {
  return 'skip' in x;
}

function run(args: string[], timeoutMs: number): Promise<LabExecResult> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', [labScriptPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: 127, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Runs a shell command inside a lab host (mount/uts/pid namespaces of its systemd, no SSH). */
export function labExec(name: string, cmd: string, timeoutMs = 60_000): Promise<LabExecResult> {
  return run(['exec', name, '--', 'sh', '-c', cmd], timeoutMs);
}

/**
 * The running lab if it has at least `n` hosts; otherwise starts it with `n` hosts.
 * Answers a skip when this machine cannot run the lab; throws when it could but the start failed.
 */
export async function ensureLab(n = 3): Promise<LabInfo | LabSkip> {
  const current = labInfo();
  if (!isLabSkip(current) && current.hosts.length >= n) return current;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { skip: 'the lab needs root' };
  const r = await run(['start', String(n)], 300_000);
  if (r.code === LAB_MISSING_PREREQ) return { skip: r.stderr.trim() || 'lab prerequisites are missing' };
  // A lab that can run here but does not come up is a failure, not a skip.
  if (r.code !== 0) throw new Error(`lab failed to start (exit ${r.code}):\n${r.stderr.trim()}`);
  return labInfo();
}

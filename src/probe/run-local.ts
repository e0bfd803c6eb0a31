import { spawn } from 'node:child_process';
import type { HostChecks } from '../model/index.js';
import { buildProbeScript } from './script.js';

export interface LocalProbeRun {
  /** Exit code; null when killed (timeout or output too large). */
  code: number | null;
  stdout: string;
  stderr: string;
  latencyMs: number;
}

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/**
 * Runs the probe script on this machine with /bin/sh. The script is one argv word (`sh -c`), so
 * no other shell interpolates anything. On timeout the whole process group is killed.
 */
export function runLocalProbe(services: string[], timeoutMs: number, checks?: HostChecks): Promise<LocalProbeRun> {
  return runShellScript(buildProbeScript(services, checks), timeoutMs);
}

/** Runs one sh script locally (`/bin/sh -c script`), killing its process group after timeoutMs. */
export function runShellScript(script: string, timeoutMs: number): Promise<LocalProbeRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    let killed = false;
    const killGroup = (): void => {
      killed = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) killGroup();
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(killGroup, timeoutMs);
    const finish = (code: number | null, extraErr = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extraErr,
        latencyMs: performance.now() - started,
      });
    };
    child.on('error', (e) => finish(null, String(e)));
    child.on('close', (code) => finish(code));
    // A killed script's orphans could hold the pipes open: do not wait for them.
    child.on('exit', () => {
      if (!killed) return;
      child.stdout.destroy();
      child.stderr.destroy();
      finish(null);
    });
  });
}

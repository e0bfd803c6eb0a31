import { spawn } from 'node:child_process';
import { LineSplitter } from '../ssh/line-splitter.js';

export interface LocalExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  latencyMs: number;
  timedOut: boolean;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs a POSIX sh command line on this machine, killing its process group on timeout. */
export function execLocal(
  command: string,
  timeoutMs: number,
  opts: { stdin?: string | Buffer; maxOutputBytes?: number } = {},
): Promise<LocalExecResult> {
  const started = Date.now();
  const cap = opts.maxOutputBytes ?? MAX_OUTPUT;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    if (opts.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the command may exit without reading it all
      child.stdin.end(opts.stdin);
    }
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < cap) stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < cap) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + String(err.message), latencyMs: Date.now() - started, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal: signal ?? undefined, stdout, stderr, latencyMs: Date.now() - started, timedOut });
    });
  });
}

/** Follows a long-running local command line by line (log tails), overlong lines cut. */
export function streamLocal(
  command: string,
  handlers: { onLines(lines: string[]): void; onOpen?(): void; onEnd(err?: Error): void },
): { stop(): void; pause(): void; resume(): void } {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.once('spawn', () => handlers.onOpen?.());
  const splitter = new LineSplitter();
  let stopped = false;
  let errText = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = splitter.push(d);
    if (lines.length) handlers.onLines(lines);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    errText = (errText + d).slice(-2000);
  });
  child.on('close', (code) => {
    const rest = splitter.flush();
    if (rest.length) handlers.onLines(rest);
    if (stopped) return;
    handlers.onEnd(code === 0 ? undefined : new Error(errText.trim() || `exited with code ${code}`));
  });
  child.on('error', (err) => handlers.onEnd(err));
  return {
    stop() {
      stopped = true;
      killGroup(child.pid);
    },
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
  };
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

import type { Machine, Reachability } from '../model/index.js';
import type { SshPool } from '../ssh/pool.js';
import { SshError } from '../ssh/errors.js';
import { execLocal, streamLocal } from './local-exec.js';

/** The outcome of one command on one machine, whatever the transport. */
export interface HostExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  latencyMs: number;
  /** True when stdout or stderr went over the output cap and was cut. */
  truncated?: boolean;
  /** Set when the command could not run or finish; reach says why. */
  failure?: { reach: Reachability; message: string; error?: SshError };
}

export interface StreamHandlers {
  onLines(lines: string[]): void;
  onOpen?(): void;
  onEnd(err?: Error): void;
}

/**
 * A running stream. pause() stops reading it: the remote side is held back by the transport's own
 * flow control (the SSH channel window, the pipe), so a reader that cannot keep up costs no memory.
 */
export interface StreamHandle {
  stop(): void;
  pause(): void;
  resume(): void;
}

/** Runs commands on machines: over the SSH pool, or locally for the local provider. */
export class HostExec {
  constructor(private readonly pool: SshPool) {}

  /**
   * Runs a multi-line POSIX sh script. Over SSH it goes on stdin to `sh -s`, so the remote login
   * shell (which may be csh or fish) never has to parse it.
   */
  runScript(machine: Machine, script: string, timeoutMs: number, opts: { maxOutputBytes?: number } = {}): Promise<HostExecResult> {
    return machine.ssh ? this.exec(machine, 'sh -s', timeoutMs, script, opts) : this.exec(machine, script, timeoutMs, undefined, opts);
  }

  /**
   * Runs the script that runs every poll. Over SSH it goes to the host's resident shell, which saves
   * the host a session per poll; the output is the same as runScript's.
   */
  runProbe(machine: Machine, script: string, timeoutMs: number): Promise<HostExecResult> {
    if (!machine.ssh) return this.runScript(machine, script, timeoutMs);
    const ssh = machine.ssh;
    return overSsh(() => this.pool.runResident(machine.id, ssh, script, { timeoutMs }));
  }

  async exec(
    machine: Machine,
    command: string,
    timeoutMs: number,
    stdin?: string | Buffer,
    opts: { maxOutputBytes?: number } = {},
  ): Promise<HostExecResult> {
    // Only the local machine runs commands here; any other host without an SSH address (a Prometheus
    // host with no address label) must never have its command run on this machine instead.
    if (!machine.ssh && machine.provider !== 'local') {
      return { code: null, stdout: '', stderr: '', latencyMs: 0, failure: { reach: 'no-ssh', message: `${machine.name}: no SSH address (add it to the inventory or ~/.ssh/config, or set the address label)` } };
    }
    if (!machine.ssh) {
      const r = await execLocal(command, timeoutMs, { stdin, maxOutputBytes: opts.maxOutputBytes });
      const failure = r.timedOut ? { reach: 'timeout' as const, message: `local command timed out after ${timeoutMs} ms` } : undefined;
      const cap = opts.maxOutputBytes;
      const truncated = cap !== undefined && (r.stdout.length >= cap || r.stderr.length >= cap) ? true : undefined;
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, latencyMs: r.latencyMs, failure, truncated };
    }
    const ssh = machine.ssh;
    return overSsh(() => this.pool.exec(machine.id, ssh, command, { timeoutMs, stdin, maxOutputBytes: opts.maxOutputBytes }));
  }

  stream(machine: Machine, command: string, handlers: StreamHandlers): StreamHandle {
    if (!machine.ssh) return streamLocal(command, handlers);
    return this.pool.stream(machine.id, machine.ssh, command, handlers);
  }
}

/** A run over the pool as a HostExecResult: its output, or its failure as a reachability. */
async function overSsh(run: () => Promise<{ code: number | null; stdout: string; stderr: string; latencyMs: number; truncated?: boolean }>): Promise<HostExecResult> {
  const started = Date.now();
  try {
    const r = await run();
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, latencyMs: r.latencyMs, truncated: r.truncated };
  } catch (err) {
    return failed(err, started);
  }
}

function failed(err: unknown, started: number): HostExecResult {
  const e = err instanceof SshError ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return { code: null, stdout: '', stderr: '', latencyMs: Date.now() - started, failure: { reach: reachOf(e), message, error: e } };
}

function reachOf(err: SshError | undefined): Reachability {
  switch (err?.kind) {
    case 'untrusted':
      return 'untrusted';
    case 'timeout':
      return 'timeout';
    case 'auth-failed':
      return 'auth-failed';
    default:
      return 'unreachable';
  }
}

import type { Client, ClientChannel } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { HostKeyInfo, SshTarget } from '../model/index.js';
import { backoffDelay } from './backoff.js';
import { SshError, describeTarget } from './errors.js';
import { signalChannel } from './channel-signal.js';
import { CappedBuffer, LineSplitter } from './line-splitter.js';
import { openClient, type ClientSettings } from './open-client.js';
import { Semaphore } from './semaphore.js';
import { ResidentShell } from './resident-shell.js';

export interface SshPoolOptions {
  /** Operations (connects + execs) in flight across all hosts. */
  maxConcurrent?: number;
  /** Execs at once on one host: sshd allows 10 channels per connection (MaxSessions), streams need some. */
  maxExecsPerHost?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Limit for TCP connect + key exchange + authentication. */
  readyTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Per stream (stdout, stderr) of one exec. */
  maxOutputBytes?: number;
  /** After an exec timeout: how long the server gets to answer before the connection counts as hung. */
  hangGraceMs?: number;
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK, `false` disables the agent. */
  agentSocket?: string | false;
  onWarning?: (message: string) => void;
  random?: () => number;
}

export interface ExecOptions {
  timeoutMs: number;
  /** Sent on the command's stdin, then EOF (Buffers go byte for byte: stored copies, dumps). */
  stdin?: string | Buffer;
  /** Overrides the pool's per-stream output cap for this exec (baseline capture, dumps). */
  maxOutputBytes?: number;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  latencyMs: number;
  /** True when stdout or stderr went over maxOutputBytes and was cut. */
  truncated?: boolean;
}

export interface StreamHandlers {
  onLines(lines: string[]): void;
  /** The remote command has started (the channel is open). */
  onOpen?(): void;
  /** Called exactly once: no error after stop() or a clean exit. */
  onEnd(err?: SshError): void;
}

interface Connection {
  client: Client;
  jump?: Client;
  alive: boolean;
}

interface HostState {
  /** The target this state was built for; a different target for the same key starts afresh. */
  signature: string;
  conn?: Connection;
  connecting?: Promise<Connection>;
  failures: number;
  retryAt?: number;
  lastError?: SshError;
  offered?: HostKeyInfo;
}

/**
 * One persistent SSH connection per key (machine id), opened on first use, verified against
 * known_hosts, reused by every exec and stream, recreated after it drops, with backoff after failures.
 */
export class SshPool {
  private readonly hosts = new Map<string, HostState>();
  private readonly permits: Semaphore;
  private readonly perHost = new Map<string, Semaphore>();
  private readonly opts: Required<Omit<SshPoolOptions, 'agentSocket' | 'onWarning'>> & { agentSocket: string | undefined };
  private readonly onWarning: (message: string) => void;
  private closed = false;
  /** Execs and streams in progress per key, and when the last one ended (idle closing). */
  private readonly uses = new Map<string, { busy: number; lastUsed: number }>();
  /** One resident `sh -s` per key for scripts run every poll, tied to the connection it was opened on. */
  private readonly shells = new Map<string, { conn: Connection; shell: ResidentShell } | { conn: Connection; shell: 'unsupported'; retryAt: number }>();

  constructor(options: SshPoolOptions = {}) {
    this.opts = {
      maxConcurrent: options.maxConcurrent ?? 64,
      maxExecsPerHost: options.maxExecsPerHost ?? 6,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      backoffBaseMs: options.backoffBaseMs ?? 2_000,
      backoffMaxMs: options.backoffMaxMs ?? 120_000,
      maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
      hangGraceMs: options.hangGraceMs ?? 3_000,
      random: options.random ?? Math.random,
      agentSocket: options.agentSocket === false ? undefined : (options.agentSocket ?? (process.env['SSH_AUTH_SOCK'] || undefined)),
    };
    this.onWarning = options.onWarning ?? (() => {});
    this.permits = new Semaphore(this.opts.maxConcurrent);
  }

  exec(key: string, target: SshTarget, command: string, opts: ExecOptions): Promise<ExecResult> {
    return this.withConnection(key, target, (conn) => this.runExec(conn, target, command, opts));
  }

  /** Runs `work` on the key's connection holding a host permit and a pool permit, the key marked in use. */
  private async withConnection<T>(key: string, target: SshTarget, work: (conn: Connection) => Promise<T>): Promise<T> {
    const done = this.using(key);
    const releaseHost = await this.hostPermits(key).acquire().catch((err: unknown) => {
      done();
      throw err;
    });
    try {
      const release = await this.permits.acquire();
      try {
        return await work(await this.connection(key, target));
      } finally {
        release();
      }
    } finally {
      releaseHost();
      done();
    }
  }

  /**
   * Runs a script on the key's resident shell (opened on first use, reopened after it ends), which
   * spares the host a new session per run. Same permits, timeout and output cap as exec. When the
   * shell cannot be opened or ends during the run, the script runs once as a plain `sh -s` exec.
   */
  runResident(key: string, target: SshTarget, script: string, opts: Omit<ExecOptions, 'stdin'>): Promise<ExecResult> {
    return this.withConnection(key, target, async (conn) => {
      const started = performance.now();
      // Half the time at most for opening and checking a new shell, so a plain exec still fits after it.
      const shell = await raceDeadline(this.residentShell(key, conn, opts.timeoutMs / 2), opts.timeoutMs).catch(() => undefined);
      if (shell === 'timeout') {
        // Not even the channel open was answered: the connection is hung, as in runExec.
        destroyConnection(conn);
        throw new SshError('timeout', `${describeTarget(target)}: command did not finish within ${formatMs(opts.timeoutMs)}`);
      }
      const left = Math.max(1, opts.timeoutMs - (performance.now() - started));
      const r = shell ? await this.runOnShell(conn, shell, target, script, { ...opts, timeoutMs: left }) : undefined;
      return r ?? (await this.runExec(conn, target, 'sh -s', { ...opts, timeoutMs: left, stdin: script }));
    });
  }

  /**
   * The key's resident shell on this connection, opened and checked with an empty run first; undefined
   * when the host does not give one (a ForceCommand that ignores the command, a shell that never
   * answers): that host then runs every script as a plain exec until its connection is replaced.
   */
  private async residentShell(key: string, conn: Connection, checkMs: number): Promise<ResidentShell | undefined> {
    const have = this.shells.get(key);
    if (have?.conn === conn && have.shell === 'unsupported' && Date.now() < have.retryAt) return undefined;
    if (have?.conn === conn && have.shell !== 'unsupported' && have.shell.usable) return have.shell;
    if (have && have.shell !== 'unsupported') closeQuietly(have.shell.channel);
    this.shells.delete(key);
    const shell = await new Promise<ResidentShell>((resolve, reject) => {
      conn.client.exec('sh -s', (err, ch) => (err ? reject(err) : resolve(new ResidentShell(ch, this.opts.maxOutputBytes))));
    });
    const check = await raceDeadline(shell.run(':'), checkMs);
    if (check === 'timeout' || check.kind !== 'done' || check.code !== 0 || check.stdout !== '') {
      shell.discard();
      closeQuietly(shell.channel);
      // A check lost to a busy moment is tried again later rather than for the life of the connection.
      if (conn.alive) this.shells.set(key, { conn, shell: 'unsupported', retryAt: Date.now() + RESIDENT_RETRY_MS });
      return undefined;
    }
    this.shells.set(key, { conn, shell });
    return shell;
  }

  /** undefined: the shell ended before the run finished (the caller runs it another way). */
  private async runOnShell(conn: Connection, shell: ResidentShell, target: SshTarget, script: string, opts: Omit<ExecOptions, 'stdin'>): Promise<ExecResult | undefined> {
    const outcome = await raceDeadline(shell.run(script), opts.timeoutMs);
    if (outcome === 'timeout') {
      shell.discard();
      this.abandon(conn, shell.channel);
      throw new SshError('timeout', `${describeTarget(target)}: command did not finish within ${formatMs(opts.timeoutMs)}`);
    }
    if (outcome.kind === 'ended') return undefined;
    if (outcome.kind === 'truncated') {
      shell.discard();
      closeQuietly(shell.channel);
      return { code: null, stdout: outcome.stdout, stderr: outcome.stderr, latencyMs: outcome.latencyMs, truncated: true };
    }
    return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr, latencyMs: outcome.latencyMs };
  }

  /** Marks the key in use until the returned function is called (once). */
  private using(key: string): () => void {
    const u = this.uses.get(key) ?? { busy: 0, lastUsed: Date.now() };
    u.busy++;
    this.uses.set(key, u);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      u.busy--;
      u.lastUsed = Date.now();
    };
  }

  /** Closes the connections of the chosen keys that no exec or stream has used for idleMs; returns their keys. */
  closeIdle(idleMs: number, which: (key: string) => boolean, now = Date.now()): string[] {
    const closed: string[] = [];
    for (const [key, state] of this.hosts) {
      const u = this.uses.get(key);
      if (!state.conn?.alive || !which(key) || (u && (u.busy > 0 || now - u.lastUsed < idleMs))) continue;
      this.drop(key);
      this.uses.delete(key);
      closed.push(key);
    }
    return closed;
  }

  /** Runs a long command (log follow) and hands its output over line by line. A permit is held only while connecting. */
  stream(key: string, target: SshTarget, command: string, handlers: StreamHandlers): { stop(): void; pause(): void; resume(): void } {
    const who = describeTarget(target);
    let channel: ClientChannel | undefined;
    let stopped = false;
    let ended = false;
    // A paused channel stops granting window to the server, which then holds the remote command back.
    let paused = false;
    const outLines = new LineSplitter();
    const errLines = new LineSplitter();
    let detach = () => {};
    const done = this.using(key);
    const deliver = (lines: string[]) => {
      if (lines.length && !ended) handlers.onLines(lines);
    };
    const end = (err?: SshError) => {
      if (ended) return;
      deliver([...outLines.flush(), ...errLines.flush()]);
      ended = true;
      detach();
      done();
      handlers.onEnd(err);
    };

    void (async () => {
      let conn: Connection;
      const release = await this.permits.acquire();
      try {
        conn = await this.connection(key, target);
      } catch (err) {
        return end(asSshError(err, who));
      } finally {
        release();
      }
      if (stopped) return;
      const onLost = () => end(new SshError('closed', `${who}: connection lost while following output`));
      conn.client.once('close', onLost);
      detach = () => conn.client.removeListener('close', onLost);
      try {
        conn.client.exec(command, (err, ch) => {
          if (err) return end(new SshError(conn.alive ? 'unreachable' : 'closed', `${who}: could not start the command: ${err.message}`));
          if (stopped) return closeQuietly(ch);
          channel = ch;
          if (paused) pauseChannel(ch);
          handlers.onOpen?.();
          let code: number | null = null;
          let signal: string | undefined;
          ch.on('data', (d: Buffer) => deliver(outLines.push(d)));
          ch.stderr.on('data', (d: Buffer) => deliver(errLines.push(d)));
          ch.on('exit', (c: number | null, s?: string) => {
            code = typeof c === 'number' ? c : null;
            signal = s;
          });
          ch.on('close', () => {
            if (code === 0) return end();
            if (signal) return end(new SshError('closed', `${who}: command ended by signal ${signal}`));
            if (code !== null) return end(new SshError('closed', `${who}: command exited with code ${code}`));
            end(new SshError('closed', `${who}: output stream closed`));
          });
          ch.end();
        });
      } catch (err) {
        end(new SshError('closed', `${who}: could not start the command: ${(err as Error).message}`));
      }
    })();

    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        if (channel) {
          signalChannel(channel, 'TERM');
          closeQuietly(channel);
        }
        end();
      },
      pause: () => {
        paused = true;
        if (channel) pauseChannel(channel);
      },
      resume: () => {
        paused = false;
        if (channel) resumeChannel(channel);
      },
    };
  }

  /**
   * The key a live handshake of this run offered and we refused: the only key the operator may trust.
   * Replaced by each later refused offer; cleared when the host connects or a later attempt fails otherwise.
   */
  trustOffered(key: string): HostKeyInfo | undefined {
    return this.hosts.get(key)?.offered;
  }

  stats(): { connections: number; connecting: number; inFlight: number } {
    let connections = 0;
    let connecting = 0;
    for (const state of this.hosts.values()) {
      if (state.conn?.alive) connections++;
      if (state.connecting) connecting++;
    }
    return { connections, connecting, inFlight: this.permits.inUse };
  }

  /** Closes the key's connection and forgets its backoff (an explicit retry). */
  drop(key: string): void {
    const state = this.hosts.get(key);
    if (!state) return;
    this.hosts.delete(key);
    this.shells.delete(key);
    if (state.conn) destroyConnection(state.conn);
  }

  /** Closes every connection; later calls fail with kind 'closed'. */
  async close(): Promise<void> {
    this.closed = true;
    const conns = [...this.hosts.values()].flatMap((s) => (s.conn ? [s.conn] : []));
    this.hosts.clear();
    this.shells.clear();
    await Promise.all(conns.map(endConnection));
  }

  private hostPermits(key: string): Semaphore {
    let sem = this.perHost.get(key);
    if (!sem) {
      sem = new Semaphore(this.opts.maxExecsPerHost);
      this.perHost.set(key, sem);
    }
    return sem;
  }

  private async connection(key: string, target: SshTarget): Promise<Connection> {
    if (this.closed) throw new SshError('closed', 'the SSH pool is closed');
    const signature = JSON.stringify(target);
    let state = this.hosts.get(key);
    if (state && state.signature !== signature) {
      this.drop(key);
      state = undefined;
    }
    if (!state) {
      state = { signature, failures: 0 };
      this.hosts.set(key, state);
    }
    if (state.conn?.alive) return state.conn;
    if (state.connecting) return state.connecting;
    const now = Date.now();
    if (state.retryAt !== undefined && now < state.retryAt && state.lastError) {
      const seconds = Math.ceil((state.retryAt - now) / 1000);
      const kind = state.lastError.kind === 'auth-failed' ? 'auth-failed' : 'unreachable';
      throw new SshError(kind, `${state.lastError.message}; retry in ${seconds}s`, { retryAt: state.retryAt });
    }
    const attempt = this.establish(key, state, target);
    state.connecting = attempt;
    return attempt;
  }

  private async establish(key: string, state: HostState, target: SshTarget): Promise<Connection> {
    try {
      const conn = await this.openConnection(state, target);
      state.connecting = undefined;
      if (this.closed || this.hosts.get(key) !== state) {
        destroyConnection(conn);
        throw new SshError('closed', `${describeTarget(target)}: connection dropped while it was being opened`);
      }
      state.conn = conn;
      state.failures = 0;
      state.retryAt = undefined;
      state.lastError = undefined;
      state.offered = undefined;
      const lost = () => {
        conn.alive = false;
        if (state.conn === conn) state.conn = undefined;
        destroyConnection(conn);
      };
      conn.client.on('close', lost);
      conn.client.on('end', lost);
      conn.client.on('error', lost);
      conn.jump?.on('close', lost);
      conn.jump?.on('error', lost);
      return conn;
    } catch (err) {
      state.connecting = undefined;
      const error = asSshError(err, describeTarget(target));
      // The latest attempt offered no key to decide on: an older offer is no longer what the host presents.
      if (error.kind !== 'untrusted') state.offered = undefined;
      // An untrusted key is the operator's call, not a network fault: once trusted, connect at once.
      if (error.kind !== 'untrusted' && error.kind !== 'closed') {
        state.failures++;
        state.retryAt = Date.now() + backoffDelay(state.failures, { baseMs: this.opts.backoffBaseMs, maxMs: this.opts.backoffMaxMs }, this.opts.random);
        state.lastError = error;
        return Promise.reject(new SshError(error.kind, error.message, { retryAt: state.retryAt, cause: error.cause }));
      }
      throw error;
    }
  }

  private async openConnection(state: HostState, target: SshTarget): Promise<Connection> {
    const settings: ClientSettings = {
      readyTimeoutMs: this.opts.readyTimeoutMs,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
      keepaliveCountMax: this.opts.keepaliveCountMax,
      agentSocket: this.opts.agentSocket,
      onWarning: this.onWarning,
      onUntrustedKey: (info) => {
        state.offered = info;
      },
    };
    if (!target.jump) return { client: await openClient(target, settings), alive: true };

    const jump = await openClient(target.jump, settings);
    try {
      const sock = await forwardOut(jump, target);
      const client = await openClient(target, settings, sock);
      return { client, jump, alive: true };
    } catch (err) {
      jump.destroy();
      throw err;
    }
  }

  private runExec(conn: Connection, target: SshTarget, command: string, opts: ExecOptions): Promise<ExecResult> {
    const who = describeTarget(target);
    return new Promise<ExecResult>((resolve, reject) => {
      const started = performance.now();
      const stdout = new CappedBuffer(opts.maxOutputBytes ?? this.opts.maxOutputBytes);
      const stderr = new CappedBuffer(opts.maxOutputBytes ?? this.opts.maxOutputBytes);
      let channel: ClientChannel | undefined;
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => {
        finish(() => reject(new SshError('timeout', `${who}: command did not finish within ${formatMs(opts.timeoutMs)}`)));
        this.abandon(conn, channel);
      }, opts.timeoutMs);

      try {
        conn.client.exec(command, (err, ch) => {
          if (done) {
            if (ch) closeQuietly(ch);
            return;
          }
          if (err) {
            const kind = conn.alive ? 'unreachable' : 'closed';
            return finish(() => reject(new SshError(kind, `${who}: could not start the command: ${err.message}`)));
          }
          channel = ch;
          let code: number | null = null;
          let signal: string | undefined;
          ch.on('data', (d: Buffer) => stdout.push(d));
          ch.stderr.on('data', (d: Buffer) => stderr.push(d));
          ch.on('exit', (c: number | null, s?: string) => {
            code = typeof c === 'number' ? c : null;
            signal = s;
          });
          ch.on('close', () => {
            if (code === null && signal === undefined && !conn.alive) {
              return finish(() => reject(new SshError('closed', `${who}: connection lost while the command ran`)));
            }
            const result: ExecResult = {
              code,
              stdout: stdout.text(),
              stderr: stderr.text(),
              latencyMs: Math.round(performance.now() - started),
            };
            if (signal !== undefined) result.signal = signal;
            if (stdout.truncated || stderr.truncated) result.truncated = true;
            finish(() => resolve(result));
          });
          if (opts.stdin !== undefined) ch.end(opts.stdin);
          else ch.end();
        });
      } catch (err) {
        finish(() => reject(new SshError('closed', `${who}: could not start the command: ${(err as Error).message}`)));
      }
    });
  }

  /**
   * After a timeout: kill and close the channel. (OpenSSH before 9.8 refuses signals in root
   * sessions, where the command then runs on until it ends; callers wrap long commands in `timeout`.) If the server does not even acknowledge that
   * (nor a fresh channel) within the grace time, the connection is hung: destroy it so the next
   * call reconnects instead of piling work onto a frozen host.
   */
  private abandon(conn: Connection, channel: ClientChannel | undefined): void {
    const grace = this.opts.hangGraceMs;
    if (!channel) return destroyConnection(conn); // not even the channel open was answered
    let closed = false;
    channel.once('close', () => {
      closed = true;
    });
    signalChannel(channel, 'KILL');
    closeQuietly(channel);
    setTimeout(() => {
      if (closed || !conn.alive) return;
      let answered = false;
      const deadline = setTimeout(() => {
        if (!answered) destroyConnection(conn);
      }, grace);
      try {
        // Opening a channel is a full round trip through the remote sshd.
        conn.client.exec('true', (_err, ch) => {
          answered = true;
          clearTimeout(deadline);
          if (ch) {
            ch.resume();
            ch.stderr.resume();
            closeQuietly(ch);
          }
        });
      } catch {
        destroyConnection(conn);
      }
    }, grace);
  }
}

function forwardOut(jump: Client, target: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => {
      if (err) {
        const via = describeTarget(target.jump ?? target);
        reject(new SshError('unreachable', `${describeTarget(target)}: the jump host ${via} could not reach ${target.host}:${target.port} (${err.message})`));
      } else {
        resolve(stream);
      }
    });
  });
}

/** Stops reading stdout and stderr: ssh2 then grants no more window, so the server holds the command back. */
function pauseChannel(ch: ClientChannel): void {
  ch.pause();
  ch.stderr.pause();
}

function resumeChannel(ch: ClientChannel): void {
  ch.resume();
  ch.stderr.resume();
}

function closeQuietly(ch: ClientChannel): void {
  try {
    ch.close();
  } catch {
    // already closed
  }
}

function destroyConnection(conn: Connection): void {
  conn.alive = false;
  conn.client.destroy();
  conn.jump?.destroy();
}

/** Ends politely and waits (briefly) for the close so the process can exit cleanly. */
function endConnection(conn: Connection): Promise<void> {
  conn.alive = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      destroyConnection(conn);
      resolve();
    }, 1_000);
    conn.client.once('close', () => {
      clearTimeout(timer);
      conn.jump?.end();
      resolve();
    });
    conn.client.end();
  });
}

function asSshError(err: unknown, who: string): SshError {
  if (err instanceof SshError) return err;
  return new SshError('unreachable', `${who}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** How long a host that gave no working resident shell runs its scripts as plain execs before the next try. */
const RESIDENT_RETRY_MS = 10 * 60_000;

/** The promise's value, or 'timeout' when it has not settled within ms. */
function raceDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10}s`;
}

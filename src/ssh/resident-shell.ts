import type { ClientChannel } from 'ssh2';
import { defineFunction, FrameReader, frameScript, KEEP_AS_FUNCTION_MIN_BYTES, keptFunctionName, newNonce } from './shell-frame.js';

/** Most scripts one shell keeps as functions (a probe's script changes with settings); past it the oldest goes. */
const KEPT_FUNCTIONS_MAX = 4;

/** The outcome of one run on a resident shell. */
export type ResidentOutcome =
  | { kind: 'done'; code: number | null; stdout: string; stderr: string; latencyMs: number }
  /** The run went over the output cap: the shell is no longer usable. */
  | { kind: 'truncated'; stdout: string; stderr: string; latencyMs: number }
  /** The shell ended (or could not take the script) before the run finished: nothing is known of the run. */
  | { kind: 'ended' };

/**
 * One `sh -s` kept open on a host's connection, running framed scripts one at a time. It saves the
 * per-run session setup on the host (sshd's fork, session bookkeeping, the shell's own start), which
 * is most of what a small probe costs there. A run that times out or overflows leaves the shell to
 * its caller to discard; a shell that ends is never reused.
 */
export class ResidentShell {
  private current?: {
    out: FrameReader;
    err: FrameReader;
    settle: (o: ResidentOutcome) => void;
    started: number;
  };
  private ended = false;
  /** Functions this shell was sent, oldest first (see textFor). */
  private readonly kept: string[] = [];

  constructor(
    readonly channel: ClientChannel,
    private readonly capBytes: number,
  ) {
    channel.on('data', (d: Buffer) => this.feed('out', d));
    channel.stderr.on('data', (d: Buffer) => this.feed('err', d));
    channel.on('close', () => this.end());
  }

  get usable(): boolean {
    return !this.ended && !this.current;
  }

  run(script: string): Promise<ResidentOutcome> {
    if (!this.usable) return Promise.resolve({ kind: 'ended' });
    const nonce = newNonce();
    return new Promise<ResidentOutcome>((settle) => {
      this.current = { out: new FrameReader(nonce, this.capBytes), err: new FrameReader(nonce, this.capBytes), settle, started: performance.now() };
      try {
        this.channel.write(this.textFor(script, nonce));
      } catch {
        this.end();
      }
    });
  }

  /**
   * What is sent for one run. A long script (the probe: about 23 KB) goes once per shell as a function
   * and later runs call it by name: the host parses it once, and a poll sends about 300 bytes
   * instead of the whole script. The call still runs in a subshell with stdin from /dev/null.
   */
  private textFor(script: string, nonce: string): string {
    if (script.length < KEEP_AS_FUNCTION_MIN_BYTES) return frameScript(script, nonce);
    // Hashed every run (about 25 us for the probe) rather than kept beside the shell: a script kept
    // per host costs its 23 KB for as long as the connection lives (measured: +23 MB at 1,000 hosts).
    const name = keptFunctionName(script);
    if (this.kept.includes(name)) return frameScript(name, nonce);
    const drop = this.kept.splice(0, Math.max(0, this.kept.length - KEPT_FUNCTIONS_MAX + 1));
    this.kept.push(name);
    return defineFunction(name, script, drop) + frameScript(name, nonce);
  }

  /** Stops using the shell; the caller closes or kills the channel. */
  discard(): void {
    this.ended = true;
    this.current = undefined;
  }

  private feed(which: 'out' | 'err', chunk: Buffer): void {
    const run = this.current;
    if (!run) return; // late output of an abandoned run, or noise between runs
    (which === 'out' ? run.out : run.err).push(chunk);
    const latencyMs = Math.round(performance.now() - run.started);
    if (run.out.truncated || run.err.truncated) {
      this.finish({ kind: 'truncated', stdout: run.out.text(), stderr: run.err.text(), latencyMs });
      this.ended = true;
    } else if (run.out.done && run.err.done) {
      this.finish({ kind: 'done', code: run.out.exitCode(), stdout: run.out.text(), stderr: run.err.text(), latencyMs });
    }
  }

  private finish(outcome: ResidentOutcome): void {
    const run = this.current;
    this.current = undefined;
    run?.settle(outcome);
  }

  private end(): void {
    if (this.ended && !this.current) return;
    this.ended = true;
    this.finish({ kind: 'ended' });
  }
}

// Runs a command under `script` (a real pseudo-terminal, 120x40), optionally typing keys into it at
// spawn, until its stderr reports the bench's first-frame marker (REMLITE_BENCH_FIRST_FRAME: the
// console exits as soon as the terminal received a frame matching that pattern).
import { spawn } from 'node:child_process';

export interface PtyRun {
  /** Spawn of `script` to its exit, ms. */
  wallMs: number;
  /** performance.now() inside the console when the frame matched (since its own start), ms. */
  reportedMs: number;
}

export function runUnderPty(cmd: string, opts: { env: NodeJS.ProcessEnv; pattern: string; keys?: string; cwd?: string; timeoutMs?: number }): Promise<PtyRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qec', `stty cols 120 rows 40; exec ${cmd}`, '/dev/null'], {
      env: { ...opts.env, REMLITE_BENCH_FIRST_FRAME: opts.pattern },
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no frame matching /${opts.pattern}/ within ${opts.timeoutMs ?? 30_000} ms: ${err.slice(-400)}`));
    }, opts.timeoutMs ?? 30_000);
    // The keys wait in the terminal (raw mode) until the console reads them, as a user's would.
    if (opts.keys) child.stdin!.write(opts.keys);
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-64 * 1024)));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', () => {
      clearTimeout(timer);
      child.stdin!.destroy();
      const m = /remlite-first-frame-ms ([\d.]+)/.exec(err);
      if (!m) return reject(new Error(`frame /${opts.pattern}/ not reported: ${err.slice(-400)}`));
      resolve({ wallMs: performance.now() - started, reportedMs: Number(m[1]) });
    });
  });
}

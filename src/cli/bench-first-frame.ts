/**
 * `npm run bench` only: when the terminal first receives a frame matching `pattern` (a regular
 * expression for data only the cached fleet holds), prints the milliseconds since the process started
 * to stderr and exits.
 */
export function reportFirstFrame(pattern: string): void {
  const want = new RegExp(pattern);
  const out = process.stdout;
  const write = out.write.bind(out) as (...args: unknown[]) => boolean;
  let seen = '';
  out.write = ((chunk: unknown, ...rest: unknown[]) => {
    const ok = write(chunk, ...rest);
    seen = (seen + String(chunk)).slice(-256 * 1024);
    if (want.test(seen)) {
      process.stderr.write(`remlite-first-frame-ms ${performance.now().toFixed(1)}\n`);
      process.exit(0);
    }
    return ok;
  }) as typeof out.write;
}


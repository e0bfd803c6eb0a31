/**
 * Start-up phase marks for `npm run bench` (REMLITE_STARTUP_TRACE=1): one stderr line per phase with
 * the milliseconds since the process started. Off otherwise, and costs nothing then.
 */
const on = process.env['REMLITE_STARTUP_TRACE'] === '1';

export function startupMark(phase: string): void {
  if (on) process.stderr.write(`remlite-startup ${phase} ${performance.now().toFixed(1)}\n`);
}

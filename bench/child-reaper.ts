// Servers the bench spawns (hundreds of sshd) must not outlive it, also when it is interrupted:
// a Ctrl-C or a kill of the bench ends them too, and an ordinary exit does the same.
import type { ChildProcess } from 'node:child_process';

const tracked = new Set<ChildProcess>();
let installed = false;

function endAll(): void {
  for (const c of tracked) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  tracked.clear();
}

/** Ends these children when the bench exits or is interrupted (SIGINT, SIGTERM, SIGHUP). */
export function reapOnExit(children: Iterable<ChildProcess>): void {
  for (const c of children) {
    tracked.add(c);
    c.once('exit', () => tracked.delete(c));
  }
  if (installed) return;
  installed = true;
  process.once('exit', endAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      endAll();
      process.kill(process.pid, signal);
    });
  }
}

import { logPathError } from '../util/log-path.js';
import { sanitizeLine } from '../util/sanitize.js';
import { followCommand, recentCommand, sourceFromId } from '../logs/log-command.js';
import type { LogSource } from '../model/index.js';
import { openOneHost } from './one-host.js';
import type { Startup } from './startup.js';
import { StartupError } from './startup.js';

/** SOURCE: an absolute path is a file, anything else a unit; default the host's first log source. */
export function pickSource(logs: LogSource[], source: string | undefined): LogSource | undefined {
  if (source === undefined) return logs[0];
  const id = source.startsWith('/') ? `file:${source}` : `unit:${source.replace(/^unit:/, '')}`;
  return logs.find((l) => l.id === id || l.id === source) ?? sourceFromId(id);
}

/** `remlite logs HOST [SOURCE] [-f] [-n N]`: prints (or follows) a log, sanitized. */
export async function runLogs(startup: Startup, operands: string[], follow: boolean, lines: number): Promise<number> {
  const [host, sourceArg] = operands as [string, string | undefined];
  const { core, id } = await openOneHost(startup, host);
  const machine = core.store.getState().hosts[id]!.machine;
  const source = pickSource(machine.logs, sourceArg);
  if (!source) {
    await core.close();
    throw new StartupError(`${machine.name} has no log source; name a unit or an absolute path`);
  }
  const pathError = source.kind === 'file' ? logPathError(source.target) : undefined;
  if (pathError) {
    await core.close();
    throw new StartupError(`${machine.name}: ${sanitizeLine(pathError)}`);
  }
  const write = (ls: string[]): boolean => process.stdout.write(ls.map(sanitizeLine).join('\n') + '\n');
  try {
    if (!follow) {
      const r = await core.hostExec.exec(machine, recentCommand(source, lines), 30_000);
      if (r.failure) throw new StartupError(`${machine.name}: ${r.failure.message}`);
      if (r.stdout) process.stdout.write(r.stdout.split('\n').map(sanitizeLine).join('\n'));
      if (r.code !== 0) process.stderr.write(`remlite: ${machine.name}: exit ${r.code}: ${sanitizeLine(r.stderr.trim())}\n`);
      return r.code === 0 ? 0 : 1;
    }
    return await new Promise<number>((resolve) => {
      // Back-pressure: when stdout is not being read (a stalled pipe), stop reading the SSH stream
      // until it drains, so the host waits instead of remlite's memory growing.
      let waiting = false;
      const onLines = (ls: string[]) => {
        if (write(ls) || waiting) return;
        waiting = true;
        stream.pause();
        process.stdout.once('drain', () => {
          waiting = false;
          stream.resume();
        });
      };
      const stream = core.hostExec.stream(machine, followCommand(source, lines), {
        onLines,
        onEnd: (err) => {
          if (err) process.stderr.write(`remlite: ${machine.name}: ${sanitizeLine(err.message)}\n`);
          resolve(err ? 1 : 0);
        },
      });
      process.once('SIGINT', () => {
        stream.stop();
        resolve(0);
      });
    });
  } finally {
    await core.close();
  }
}

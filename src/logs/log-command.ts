import type { LogSource } from '../model/index.js';
import { logPathError } from '../util/log-path.js';
import { isSafeServiceName, shCommand } from '../util/shell-quote.js';

/** The remote command that follows a log source live, starting with its last `backlog` lines. */
export function followCommand(source: LogSource, backlog: number): string {
  const n = String(Math.max(0, Math.floor(backlog)));
  if (source.kind === 'unit') {
    if (!isSafeServiceName(source.target)) throw new Error(`"${source.target}" is not a valid unit name`);
    // Without systemd (sysvinit hosts) there is no journal: fall back to syslog lines of that program.
    const journal = shCommand('journalctl', '--no-pager', '-o', 'short-iso', '-n', n, '-f', '-u', source.target);
    const syslog = `tail -n ${n} -F /var/log/syslog 2>/dev/null | grep --line-buffered -F -- ${shCommand(source.target)}`;
    return `if command -v journalctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then exec ${journal}; else ${syslog}; fi`;
  }
  const pathError = logPathError(source.target);
  if (pathError) throw new Error(pathError);
  return shCommand('tail', '-n', n, '-F', '--', source.target);
}

/** The remote command that prints the last `lines` lines of a log source and exits. */
export function recentCommand(source: LogSource, lines: number): string {
  const n = String(Math.max(0, Math.floor(lines)));
  if (source.kind === 'unit') {
    if (!isSafeServiceName(source.target)) throw new Error(`"${source.target}" is not a valid unit name`);
    const journal = shCommand('journalctl', '--no-pager', '-o', 'short-iso', '-n', n, '-u', source.target);
    const syslog = `grep -F -- ${shCommand(source.target)} /var/log/syslog | tail -n ${n}`;
    return `if command -v journalctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then ${journal}; else ${syslog}; fi`;
  }
  const pathError = logPathError(source.target);
  if (pathError) throw new Error(pathError);
  return shCommand('tail', '-n', n, '--', source.target);
}

/** Parses a log source id ("unit:apache2", "file:/var/log/syslog"). */
export function sourceFromId(id: string): LogSource | undefined {
  const m = /^(unit|file):(.+)$/.exec(id);
  if (!m) return undefined;
  return { id, kind: m[1] as 'unit' | 'file', target: m[2]! };
}

import path from 'node:path';
import { isSafeServiceName, shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry } from './types.js';
import { requireOnHost } from '../guard.js';
import { inPosixShell } from '../../util/privilege.js';
import { pathError, serviceUnit } from './params.js';

/** Daemons that close and reopen their log files on SIGHUP (what logrotate's postrotate sends them). */
const REOPEN_ON_HUP = ['rsyslog.service', 'syslog-ng.service'];

function conditions(service: string, file: string): { test: string; words: string }[] {
  const unit = serviceUnit(service);
  const dir = path.posix.dirname(file);
  const hup = REOPEN_ON_HUP.includes(unit);
  return [
    { test: shCommand('systemctl', 'is-active', '--quiet', '--', unit), words: `${unit} is running` },
    hup
      ? { test: 'true', words: `${unit} reopens its logs on SIGHUP` }
      : { test: `[ "$(systemctl show -p CanReload --value -- ${shQuote(unit)})" = yes ]`, words: `${unit} can be reloaded (its reload reopens its logs)` },
    { test: `[ -d ${shQuote(dir)} ] && [ ! -L ${shQuote(dir)} ]`, words: `${dir} is a directory, not a symbolic link` },
  ];
}

/**
 * A log file deleted under a running service: the service keeps writing into the deleted file.
 * rsyslog (and syslog-ng) reopen on SIGHUP to the main process, as logrotate does it; any other unit
 * only through its own reload. Once the daemon has let go of the deleted file, one line through
 * logger marks the repair in the syslog (and makes rsyslog write, so the file is there again).
 */
export const LOG_REOPEN_ENTRIES: Record<string, CatalogueEntry> = {
  'log.reopen': {
    id: 'log.reopen',
    title: (p) => `Have ${p['service']} reopen its logs (${p['path']})`,
    params: ['service', 'path'],
    validate: (p) => (p['service'] && isSafeServiceName(p['service']) ? pathError(p['path']) : `"${p['service'] ?? ''}" is not a valid service name`),
    check: (_p, ctx) => (ctx.init === 'sysvinit' ? 'reopening logs is done through systemd here' : undefined),
    preconditions: (p) => conditions(p['service'] ?? '', p['path'] ?? '').map((c) => c.words),
    command: (p, ctx) => {
      const service = p['service'] ?? '';
      const unit = serviceUnit(service);
      const guards = conditions(service, p['path'] ?? '').map((c) => requireOnHost(c.test, c.words));
      const reopen = REOPEN_ON_HUP.includes(unit)
        ? shCommand('systemctl', 'kill', '--kill-whom=main', '--signal=SIGHUP', '--', unit)
        : shCommand('systemctl', 'reload', '--', unit);
      // The signal is handled when the daemon gets to it: until it has closed the deleted file, a line
      // logged now would still go there. Wait for that (5 s at most, never fail on it), then mark.
      const held = shQuote(`-> ${p['path'] ?? ''} (deleted)`);
      const pid = `$(systemctl show -p MainPID --value -- ${shQuote(unit)})`;
      const closed = `{ pid=${pid}; i=0; while [ $i -lt 50 ] && ls -l /proc/"$pid"/fd 2>/dev/null | grep -qF -- ${held}; do sleep 0.1; i=$((i + 1)); done; }`;
      const mark = `{ ${shCommand('logger', '-t', 'remlite', '--', `log.reopen: ${unit} reopened its logs`)} 2>/dev/null || :; }`;
      // The daemon opens the file again on its next write: wait for it a little (5 s at most), never fail on it.
      const file = shQuote(p['path'] ?? '');
      const settle = `{ i=0; while [ ! -e ${file} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }`;
      return inPosixShell(ctx.machine, [...guards, reopen, closed, mark, settle].join(' && '));
    },
    expected: (p) => `${p['service']} writes to a new ${p['path']}; the next probe finds the file again`,
  },
};

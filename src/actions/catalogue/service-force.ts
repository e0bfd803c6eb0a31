import { shCommand, shQuote, isSafeServiceName } from '../../util/shell-quote.js';
import { serviceUnit } from './params.js';
import type { CatalogueEntry } from './types.js';
import { requireOnHost } from '../guard.js';
import { inPosixShell } from '../../util/privilege.js';

/** Seconds the ordinary restart may take before the unit's processes are killed. */
export const FORCE_RESTART_GRACE_SEC = 30;

function loadedCondition(unit: string): { test: string; words: string } {
  return { test: `[ "$(systemctl show -p LoadState --value -- ${shQuote(unit)})" = loaded ]`, words: `${unit} is a loaded unit (not masked, not gone)` };
}

/**
 * The repair of a service that runs but does not answer. Stopped processes (SIGSTOP) are resumed
 * first (SIGCONT is ignored by processes that are running), then the unit is restarted; a restart
 * that does not finish within the grace time means a process that cannot stop by itself: every
 * process of the unit is killed (SIGKILL) and the pending restart brings it up again.
 */
export const SERVICE_FORCE_ENTRIES: Record<string, CatalogueEntry> = {
  'service.force-restart': {
    id: 'service.force-restart',
    title: (p) => `Restart ${p['service']}, killing it if the restart hangs`,
    params: ['service'],
    validate: (p) => (p['service'] && isSafeServiceName(p['service']) ? undefined : `"${p['service'] ?? ''}" is not a valid service name`),
    check: (_p, ctx) => (ctx.init === 'sysvinit' ? 'a forced restart needs systemd: use service.restart' : undefined),
    preconditions: (p) => [loadedCondition(serviceUnit(p['service'] ?? '')).words],
    command: (p, ctx) => {
      const unit = serviceUnit(p['service'] ?? '');
      const loaded = loadedCondition(unit);
      const steps = [
        requireOnHost(loaded.test, loaded.words),
        `{ ${shCommand('systemctl', 'kill', '--signal=SIGCONT', '--', unit)} 2>/dev/null || :; }`,
        `if ! ${shCommand('timeout', String(FORCE_RESTART_GRACE_SEC), 'systemctl', 'restart', '--', unit)}; then ` +
          `printf '%s\\n' ${shQuote(`remlite: the restart of ${unit} did not finish in ${FORCE_RESTART_GRACE_SEC} s: killing its processes (SIGKILL)`)} >&2; ` +
          `${shCommand('systemctl', 'kill', '--signal=SIGKILL', '--', unit)}; ${shCommand('systemctl', 'start', '--', unit)}; fi`,
        shCommand('systemctl', 'is-active', '--quiet', '--', unit),
      ];
      return inPosixShell(ctx.machine, steps.join(' && '));
    },
    expected: (p) =>
      `${p['service']} is resumed and restarted (killed with SIGKILL if the restart does not finish in ${FORCE_RESTART_GRACE_SEC} s); the next probe shows it active and answering`,
  },
};

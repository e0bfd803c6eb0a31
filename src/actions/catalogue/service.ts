import { isSafeServiceName, shCommand } from '../../util/shell-quote.js';
import { withPrivilege } from '../../util/privilege.js';
import { unitName } from './params.js';
import type { CatalogueEntry, PlanContext } from './types.js';

function serviceParamError(params: Record<string, string>): string | undefined {
  const name = params['service'];
  if (!name) return 'no service given';
  if (!isSafeServiceName(name)) return `"${name}" is not a valid service name`;
  return undefined;
}

function serviceCommand(verb: 'start' | 'stop' | 'restart') {
  return (params: Record<string, string>, ctx: PlanContext): string => {
    const service = params['service'] ?? '';
    const argv =
      ctx.init === 'sysvinit'
        ? ['service', service.replace(/\.service$/, ''), verb]
        : ['systemctl', verb, '--', unitName(service)];
    return withPrivilege(ctx.machine, shCommand(...argv));
  };
}


/** Start, stop and restart a service (systemd, or SysV init's `service`). */
export const SERVICE_ENTRIES: Record<string, CatalogueEntry> = {
  'service.restart': {
    id: 'service.restart',
    title: (p) => `Restart ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('restart'),
    expected: (p) => `${p['service']} is stopped and started again; the next probe shows it active (running)`,
  },
  'service.start': {
    id: 'service.start',
    title: (p) => `Start ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('start'),
    expected: (p) => `${p['service']} starts; the next probe shows it active (running)`,
  },
  'service.stop': {
    id: 'service.stop',
    title: (p) => `Stop ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('stop'),
    expected: (p) => `${p['service']} stops; the next probe shows it inactive (and red if it is an expected service)`,
  },
};

import { shCommand } from '../../util/shell-quote.js';
import type { CatalogueEntry } from '../catalogue.js';
import { withPrivilege } from '../privilege.js';
import { pathError } from './params.js';

export const SYSTEM_ENTRIES: Record<string, CatalogueEntry> = {
  'module.load': {
    id: 'module.load',
    title: (p) => `Load kernel module ${p['module']}`,
    params: ['module'],
    validate: (p) => (p['module'] && /^[A-Za-z0-9_-]{1,64}$/.test(p['module']) ? undefined : `"${p['module'] ?? ''}" is not a kernel module name`),
    command: (p, ctx) => withPrivilege(ctx.machine, shCommand('modprobe', '--', p['module'] ?? '')),
    expected: (p) => `${p['module']} is listed in /proc/modules on the next probe`,
  },
  'fs.remount-rw': {
    id: 'fs.remount-rw',
    title: (p) => `Remount ${p['mount']} read-write`,
    params: ['mount'],
    validate: (p) => pathError(p['mount'], 'mount'),
    check(p, ctx) {
      const mount = p['mount'] ?? '';
      if (mount === '/') return 'the root filesystem is not remounted from the console: a read-only / needs a look at the host (fsck)';
      const volume = ctx.probe?.volumes.find((v) => v.mount === mount);
      if (!volume) return `${mount} is not a mount of ${ctx.machine.name} in the last probe`;
      const errors = ctx.probe?.fsErrors?.find((e) => e.device === volume.device);
      if (errors) return `${volume.device} reports ${errors.count} filesystem errors: check it (fsck) before writing to it again`;
      return undefined;
    },
    command: (p, ctx) => withPrivilege(ctx.machine, shCommand('mount', '-o', 'remount,rw', '--', p['mount'] ?? '')),
    expected: (p) => `${p['mount']} is writable (rw) on the next probe`,
  },
};

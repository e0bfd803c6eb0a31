import path from 'node:path';
import { kernelDeviceName } from '../../util/device-name.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry, PlanContext } from './types.js';
import { requireOnHost } from '../guard.js';
import { withPrivilege } from '../../util/privilege.js';
import { pathError } from './params.js';

/**
 * Checked on the host right before the remount: the path is still a mount point, and an ext4
 * filesystem on it has counted no errors since the probe (a read-only remount after errors is the
 * kernel protecting the data; writing again needs fsck first).
 */
function remountConditions(mount: string, ctx: PlanContext): { test: string; words: string }[] {
  const conditions = [{ test: `mountpoint -q -- ${shQuote(mount)}`, words: `${mount} is still a mount point` }];
  const device = ctx.probe?.volumes.find((v) => v.mount === mount)?.device ?? '';
  const name = path.posix.basename(device);
  if (/^[A-Za-z0-9._:-]{1,64}$/.test(name)) {
    const counter = `/sys/fs/ext4/${name}/errors_count`;
    conditions.push({
      test: `[ ! -e ${shQuote(counter)} ] || [ "$(cat -- ${shQuote(counter)})" = 0 ]`,
      words: `${device} reports no filesystem errors (${counter} is 0 where it exists)`,
    });
  }
  return conditions;
}

export const SYSTEM_ENTRIES: Record<string, CatalogueEntry> = {
  'module.load': {
    id: 'module.load',
    title: (p) => `Load kernel module ${p['module']}`,
    params: ['module'],
    validate: (p) => (p['module'] && /^[A-Za-z0-9_-]{1,64}$/.test(p['module']) ? undefined : `"${p['module'] ?? ''}" is not a kernel module name`),
    preconditions: () => ['the module exists for the running kernel (modprobe -n finds it)'],
    command: (p, ctx) => {
      const module = p['module'] ?? '';
      const exists = requireOnHost(`${shCommand('modprobe', '-n', '--', module)} >/dev/null 2>&1`, `${module} exists for the running kernel (modprobe -n finds it)`);
      return withPrivilege(ctx.machine, `${exists} && ${shCommand('modprobe', '--', module)}`);
    },
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
      // The probe names a counter by the kernel's device name ("vdb"); the volume by its node ("/dev/vdb").
      const device = kernelDeviceName(volume.device);
      const errors = ctx.probe?.fsErrors?.find((e) => e.device === device);
      if (errors) return `${volume.device} reports ${errors.count} filesystem errors: check it (fsck) before writing to it again`;
      const state = ctx.probe?.fsState?.find((d) => d.mount === mount);
      if (state?.superblockError || state?.errorsCount) return `${state.device} (${mount}) is damaged (see fs-errors): check it (fsck) before writing to it again`;
      return undefined;
    },
    preconditions: (p, ctx) => remountConditions(p['mount'] ?? '', ctx).map((c) => c.words),
    command: (p, ctx) => {
      const mount = p['mount'] ?? '';
      const guards = remountConditions(mount, ctx).map((c) => requireOnHost(c.test, c.words));
      return withPrivilege(ctx.machine, [...guards, shCommand('mount', '-o', 'remount,rw', '--', mount)].join(' && '));
    },
    expected: (p) => `${p['mount']} is writable (rw) on the next probe`,
  },
};

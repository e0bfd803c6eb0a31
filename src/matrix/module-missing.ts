import type { Finding } from '../model/index.js';
import { normalizeModule } from '../probe/script-checks.js';
import { declaredChecks } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/**
 * Declared kernel modules that are neither loaded (/proc/modules) nor built into the kernel. When
 * the host cannot list its built-ins (no readable /lib/modules/KREL/modules.builtin), a module
 * that is not loaded may still be built in: that is said as "cannot tell" (info), never as missing.
 */
export const detectModuleMissing: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.modules) return [];
  const present = new Set(probe.modules.map(normalizeModule));
  const unknown = new Set((probe.modulesUnknown ?? []).map(normalizeModule));
  return declaredChecks(ctx.machine)
    .modules.filter((m) => !present.has(normalizeModule(m)))
    .map((m): Finding => {
      const base = { machineId: ctx.machine.id, class: 'module-missing' as const, subject: m };
      if (unknown.has(normalizeModule(m)))
        return {
          ...base,
          severity: 'info',
          summary: fit(`cannot tell whether kernel module ${m} is available`),
          evidence: [
            fit(`${m} is not loaded as a module and has no /sys/module entry`),
            fit(`/lib/modules/${probe.kernel}/modules.builtin is not readable: built-in modules cannot be listed`),
          ],
          repairs: [],
        };
      return {
        ...base,
        severity: 'critical',
        summary: fit(`kernel module ${m} is not loaded`),
        evidence: [fit(`${m} is not in /proc/modules and not in /lib/modules/${probe.kernel}/modules.builtin`)],
        repairs: [{ action: 'module.load', params: { module: m }, label: `Load module ${m} (modprobe)` }],
      };
    });
};

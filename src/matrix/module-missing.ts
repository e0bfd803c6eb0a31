import type { Finding } from '../model/index.js';
import { normalizeModule } from '../probe/script-checks.js';
import { declaredChecks } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** Declared kernel modules that are neither loaded (/proc/modules) nor built into the kernel. */
export const detectModuleMissing: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.modules) return [];
  const present = new Set(probe.modules.map(normalizeModule));
  return declaredChecks(ctx.machine)
    .modules.filter((m) => !present.has(normalizeModule(m)))
    .map(
      (m): Finding => ({
        machineId: ctx.machine.id,
        class: 'module-missing',
        severity: 'critical',
        summary: fit(`kernel module ${m} is not loaded`),
        evidence: [fit(`${m} is not in /proc/modules and not built into kernel ${probe.kernel}`)],
        subject: m,
        repairs: [{ action: 'module.load', params: { module: m }, label: `Load module ${m} (modprobe)` }],
      }),
    );
};

import type { Finding } from '../model/index.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** ext4 filesystems whose error counter is not zero. fsck needs the filesystem offline: no repair. */
export const detectFsErrors: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.fsErrors) return [];
  return probe.fsErrors.map((e): Finding => {
    const vol = probe.volumes.find((v) => v.device.split('/').pop() === e.device);
    return {
      machineId: ctx.machine.id,
      class: 'fs-errors',
      severity: 'critical',
      summary: fit(`filesystem errors on ${e.device}${vol ? ` (${vol.mount})` : ''}: ${e.count}`),
      evidence: [
        fit(`/sys/fs/ext4/${e.device}/errors_count = ${e.count}`),
        'run fsck on it offline (unmounted); no automatic repair',
      ],
      subject: e.device,
      repairs: [],
    };
  });
};

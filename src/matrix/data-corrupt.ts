import type { Finding } from '../model/index.js';
import { dataRestoreWording } from '../util/repair-wording.js';
import { writeBlocker } from '../util/write-gate.js';
import { contentState, declaredChecks, shortSha, unreadableFinding } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** Declared data files whose checksum no longer matches the baseline, or that vanished. */
export const detectDataCorrupt: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe || !ctx.baseline) return [];
  const out: Finding[] = [];
  for (const path of declaredChecks(ctx.machine).dataPaths) {
    const cmp = contentState(probe, ctx.baseline, path);
    if (cmp.state === 'unreadable') {
      out.push({
        machineId: ctx.machine.id,
        class: 'data-corrupt',
        ...unreadableFinding(cmp.stat),
        summary: fit(`data file ${path} is unreadable (${cmp.stat.unreadable})`),
        subject: path,
        repairs: [],
      });
      continue;
    }
    if (cmp.state !== 'drifted' && cmp.state !== 'missing') continue;
    const evidence =
      cmp.state === 'missing'
        ? [fit(`${path} no longer exists`)]
        : [
            fit(`sha256 ${shortSha(cmp.stat.sha256)} now, ${shortSha(cmp.base.sha256)} in the baseline`),
            fit(`size ${cmp.stat.size ?? '?'} now, ${cmp.base.size ?? '?'} in the baseline`),
          ];
    if (!cmp.base.copy) evidence.push('no stored copy in the baseline: cannot restore');
    const blocked = writeBlocker(probe, path);
    if (blocked) evidence.push(fit(blocked));
    out.push({
      machineId: ctx.machine.id,
      class: 'data-corrupt',
      severity: 'critical',
      summary: fit(cmp.state === 'missing' ? `data file ${path} is missing` : `data file ${path} differs from the baseline`),
      evidence,
      subject: path,
      repairs: cmp.base.copy && !blocked ? [{ action: 'data.restore', params: { path }, label: dataRestoreWording(path) }] : [],
    });
  }
  return out;
};

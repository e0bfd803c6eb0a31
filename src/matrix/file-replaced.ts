import type { Finding } from '../model/index.js';
import { declaredChecks, fileStat } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

const NO_REPAIR = 'remlite never follows or writes through it: no restore is offered; remove it and find out who planted it';

/**
 * Declared files (configs, data, watched logs) in the baseline that are now a symbolic link, or
 * configs and data files (regular when accepted) that are now a directory or a special file. A link planted by a user
 * who can write the directory would turn a chmod/chown or a restore onto its target: critical,
 * and the other file detectors leave such a path alone.
 */
export const detectFileReplaced: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe || !ctx.baseline) return [];
  const checks = declaredChecks(ctx.machine);
  const paths = [...new Set([...checks.configs.map((c) => c.path), ...checks.dataPaths, ...checks.permFiles])];
  const out: Finding[] = [];
  for (const path of paths) {
    const base = ctx.baseline.files[path];
    const stat = fileStat(probe, path);
    if (!base || !stat?.exists || stat.kind === undefined || stat.kind === 'file') continue;
    const link = stat.kind === 'link';
    // Only content files were surely regular when accepted (capture copies nothing else).
    if (!link && !base.sha256) continue;
    const what = link ? `a symlink to ${stat.linkTarget || '(unreadable target)'}` : stat.kind === 'dir' ? 'a directory' : 'a special file';
    const evidence = [fit(`was a regular file (${base.mode ?? '?'} ${base.owner ?? '?'}:${base.group ?? '?'}) in the baseline`)];
    if (stat.owner) evidence.push(fit(`${link ? 'the link' : 'it'} is owned by ${stat.owner}${stat.group ? `:${stat.group}` : ''}`));
    evidence.push(NO_REPAIR);
    out.push({
      machineId: ctx.machine.id,
      class: 'file-replaced',
      severity: 'critical',
      summary: fit(`${path} was replaced by ${what}`),
      evidence,
      subject: path,
      repairs: [],
    });
  }
  return out;
};

import type { Finding } from '../model/index.js';
import { writeBlocker } from '../util/write-gate.js';
import { declaredChecks, fileStat, unreadableFinding } from './declared.js';
import { RUNNING_STATES } from './service-state.js';
import { findService, fit } from './text.js';
import type { Detector } from './types.js';

/** Owner write bit of an octal mode string ("0640"). */
function ownerCanWrite(mode: string | undefined): boolean {
  return mode !== undefined && (parseInt(mode, 8) & 0o200) !== 0;
}

/**
 * Permission-watched files (declared perm_files and logs) whose mode, owner or group differ from
 * the baseline. Critical when the owner lost the write bit: the service can no longer log.
 */
export const detectFilePerms: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe || !ctx.baseline) return [];
  const out: Finding[] = [];
  const declared = declaredChecks(ctx.machine).permFiles;
  // Log files learned at accept (held open by a running service) are watched without a declaration.
  const learned = (ctx.baseline.learned?.logs ?? []).filter((l) => !declared.includes(l.path));
  for (const path of [...declared, ...learned.map((l) => l.path)]) {
    const base = ctx.baseline.files[path];
    const stat = fileStat(probe, path);
    if (!base?.mode || !stat) continue;
    const writer = learned.find((l) => l.path === path)?.unit.replace(/\.service$/, '');
    const running = writer ? findService(probe.services, writer) : undefined;
    if (!stat.exists && writer && running && RUNNING_STATES.has(running.active)) {
      out.push({
        machineId: ctx.machine.id,
        class: 'file-perms',
        severity: 'critical',
        summary: fit(`${path} was deleted while ${writer} runs`),
        evidence: [
          fit(`${writer} held it open at accept: it now writes into the deleted file, nothing reaches ${path}`),
          fit(`baseline: ${base.mode} ${base.owner ?? '?'}:${base.group ?? '?'}`),
        ],
        subject: path,
        repairs: [{ action: 'log.reopen', params: { service: writer, path }, label: `Have ${writer} reopen its logs (recreates ${path})` }],
      });
      continue;
    }
    if (!stat.exists) {
      out.push({
        machineId: ctx.machine.id,
        class: 'file-perms',
        severity: 'warning',
        summary: fit(`${path} no longer exists`),
        evidence: [fit(`baseline: ${base.mode} ${base.owner ?? '?'}:${base.group ?? '?'}`), 'the service may recreate it; nothing to restore'],
        subject: path,
        repairs: [],
      });
      continue;
    }
    if (stat.kind === 'link') continue; // never followed: file-replaced reports it
    if (stat.unreadable) {
      out.push({
        machineId: ctx.machine.id,
        class: 'file-perms',
        ...unreadableFinding(stat),
        summary: fit(`${path} is unreadable (${stat.unreadable})`),
        subject: path,
        repairs: [],
      });
      continue;
    }
    const changes: string[] = [];
    if (stat.mode !== undefined && stat.mode !== base.mode) changes.push(`mode ${base.mode} → ${stat.mode}`);
    if (base.owner !== undefined && stat.owner !== undefined && stat.owner !== base.owner) changes.push(`owner ${base.owner} → ${stat.owner}`);
    if (base.group !== undefined && stat.group !== undefined && stat.group !== base.group) changes.push(`group ${base.group} → ${stat.group}`);
    if (changes.length === 0) continue;
    const lostWrite = ownerCanWrite(base.mode) && stat.mode !== undefined && !ownerCanWrite(stat.mode);
    const evidence = changes.map((c) => fit(c));
    if (lostWrite) evidence.push('the owner can no longer write it');
    const blocked = writeBlocker(probe, path);
    if (blocked) evidence.push(fit(blocked));
    out.push({
      machineId: ctx.machine.id,
      class: 'file-perms',
      severity: lostWrite ? 'critical' : 'warning',
      summary: fit(`${path}: ${changes.join(', ')}`),
      evidence,
      subject: path,
      repairs: blocked ? [] : [{ action: 'perms.restore', params: { path }, label: `Restore mode and owner of ${path}` }],
    });
  }
  return out;
};

import type { Finding, HostBaseline, Machine } from '../model/index.js';
import { declaredChecks } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** The repair that captures only the checks a baseline lacks (src/actions/catalogue/accept-new.ts). */
export const ACCEPT_NEW_ACTION = 'baseline.accept-new';

/** One declared check that an accept records: a file (by kind) or a database. */
export interface DeclaredItem {
  kind: 'config' | 'data' | 'log' | 'database';
  name: string;
}

const CAPTURABLE_PATH = (p: string) => p.startsWith('/') && !/[\0\r\n]/.test(p);
const CAPTURABLE_DATABASE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Declared checks an accept records, in the order the capture takes them (configs, data, permission
 * files and declared log files, databases), each once. Modules are not baseline-bound: their
 * detector compares the kernel with the declaration, not with a baseline.
 */
function declaredItems(machine: Machine): DeclaredItem[] {
  const checks = declaredChecks(machine);
  const seen = new Set<string>();
  const out: DeclaredItem[] = [];
  const file = (kind: DeclaredItem['kind'], p: string) => {
    if (seen.has(p) || !CAPTURABLE_PATH(p)) return;
    seen.add(p);
    out.push({ kind, name: p });
  };
  for (const c of checks.configs) file('config', c.path);
  for (const p of checks.dataPaths) file('data', p);
  for (const p of checks.permFiles) file('log', p);
  for (const l of machine.logs) if (l.kind === 'file') file('log', l.target);
  for (const d of checks.databases) if (CAPTURABLE_DATABASE.test(d.name)) out.push({ kind: 'database', name: d.name });
  return out;
}

/** Declared checks the baseline has no entry for (added to the inventory after the accept, or not captured then). */
function unacceptedItems(machine: Machine, baseline: HostBaseline): DeclaredItem[] {
  return declaredItems(machine).filter((i) => (i.kind === 'database' ? !baseline.databases[i.name] : !baseline.files[i.name]));
}

/**
 * Declared checks a host's baseline does not cover are silently not watched: one warning lists them
 * and offers to accept just them (the rest of the baseline is kept as it was). Without any baseline
 * config-drift already says "no baseline yet".
 */
export const detectNotAccepted: Detector = (ctx) => {
  if (!ctx.baseline || !ctx.poll.probe) return [];
  // A declared path that is a symlink now can never be accepted (the capture refuses links; the
  // probe reports the link itself): it is not a check waiting for an accept.
  const links = new Set((ctx.poll.probe.files ?? []).filter((f) => f.exists && f.kind === 'link').map((f) => f.path));
  const items = unacceptedItems(ctx.machine, ctx.baseline).filter((i) => i.kind === 'database' || !links.has(i.name));
  if (items.length === 0) return [];
  const shown = items.slice(0, 5).map((i) => fit(`${i.kind} ${i.name}`));
  const more = items.length > shown.length ? [`… and ${items.length - shown.length} more`] : [];
  const finding: Finding = {
    machineId: ctx.machine.id,
    class: 'not-accepted',
    severity: 'warning',
    summary: fit(`${items.length} declared check${items.length === 1 ? '' : 's'} not yet accepted: not watched`),
    evidence: [...shown, ...more, fit(`the baseline (accepted ${ctx.baseline.acceptedAt}) has no entry for them`)],
    repairs: [{ action: ACCEPT_NEW_ACTION, params: {}, label: 'Accept only the new checks (the rest of the baseline is kept)' }],
  };
  return [finding];
};

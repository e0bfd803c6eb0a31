import {
  NO_CHECKS,
  type BaselineFile,
  type ConfigDecl,
  type ConfigTestResult,
  type FileStat,
  type HostBaseline,
  type HostChecks,
  type HostProbe,
  type Machine,
  type RepairRef,
  type Severity,
} from '../model/index.js';
import { configRestoreWording } from '../util/repair-wording.js';
import { isAccessError } from '../util/write-gate.js';
import { fit } from './text.js';

/** The machine's declared checks (NO_CHECKS when none). */
export function declaredChecks(machine: Machine): HostChecks {
  return machine.checks ?? NO_CHECKS;
}

/**
 * True when contents are declared whose good state only a baseline can tell (configs, data,
 * databases). Permission-watched files alone do not count: every declared log file is one, and a
 * host with logs only should not nag for a baseline.
 */
export function needsBaseline(checks: HostChecks): boolean {
  return checks.configs.length + checks.dataPaths.length + checks.databases.length > 0;
}

export function fileStat(probe: HostProbe, path: string): FileStat | undefined {
  return probe.files?.find((f) => f.path === path);
}

/** How a checksummed file compares with its baseline. */
export type ContentState =
  | { state: 'unknown' } // no baseline checksum, or the probe could not see the file's content
  | { state: 'same'; stat: FileStat; base: BaselineFile }
  | { state: 'drifted'; stat: FileStat; base: BaselineFile }
  | { state: 'missing'; stat: FileStat; base: BaselineFile }
  | { state: 'unreadable'; stat: FileStat; base: BaselineFile }; // exists, but stat or read failed (I/O error...)

export function contentState(probe: HostProbe, baseline: HostBaseline | undefined, path: string): ContentState {
  const base = baseline?.files[path];
  const stat = fileStat(probe, path);
  if (!base?.sha256 || !stat) return { state: 'unknown' };
  if (!stat.exists) return { state: 'missing', stat, base };
  if (stat.unreadable) return { state: 'unreadable', stat, base };
  if (!stat.sha256) return { state: 'unknown' };
  return { state: stat.sha256 === base.sha256 ? 'same' : 'drifted', stat, base };
}

/** "apache2" and "apache2.service" name the same service. */
export function sameService(a: string, b: string): boolean {
  return a.replace(/\.service$/, '') === b.replace(/\.service$/, '');
}

/** Config tests of a service that failed this poll. */
export function failedTests(probe: HostProbe, service: string): ConfigTestResult[] {
  return (probe.configTests ?? []).filter((t) => !t.ok && sameService(t.service, service));
}

export interface BrokenConfig {
  decl: ConfigDecl;
  state: 'drifted' | 'missing';
  base: BaselineFile;
}

/** Declared configs of a service whose content drifted from (or vanished since) the baseline. */
export function brokenConfigs(probe: HostProbe, baseline: HostBaseline | undefined, checks: HostChecks, service: string): BrokenConfig[] {
  const out: BrokenConfig[] = [];
  for (const decl of checks.configs) {
    if (!decl.service || !sameService(decl.service, service)) continue;
    const cmp = contentState(probe, baseline, decl.path);
    if (cmp.state === 'drifted' || cmp.state === 'missing') out.push({ decl, state: cmp.state, base: cmp.base });
  }
  return out;
}

/**
 * Severity and evidence for a file that exists but cannot be read: an I/O error means a failing
 * volume (critical: check it first); an access error only that the probe's user may not look.
 * No write repair is offered onto it either way.
 */
export function unreadableFinding(stat: FileStat): { severity: Severity; evidence: string[] } {
  const why = stat.unreadable ?? 'unknown error';
  if (isAccessError(why)) return { severity: 'warning', evidence: [fit(`the probe's user cannot read it: ${why}`), 'its state is unknown: no restore is offered'] };
  return { severity: 'critical', evidence: [fit(`exists but cannot be read: ${why}`), 'check the volume first (fsck / remount): no restore is offered onto it'] };
}

export function restoreConfigRepair(path: string, service?: string): RepairRef {
  const params: Record<string, string> = { path };
  if (service) params['service'] = service;
  return { action: 'config.restore', params, label: configRestoreWording(path, service) };
}

/** First 12 hex digits: enough to tell checksums apart in one evidence line. */
export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 12) : 'unknown';
}

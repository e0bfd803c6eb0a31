import type { Finding, FsDeviceState, HostBaseline, HostProbe, LearnedVolume, Severity } from '../model/index.js';
import { kernelDeviceName } from '../util/device-name.js';
import { shQuote } from '../util/shell-quote.js';
import { fit } from './text.js';
import type { DetectContext, Detector } from './types.js';

const RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

interface Problem {
  severity: Severity;
  summary: string;
  evidence: string[];
}

/**
 * ext2/3/4 filesystems in trouble. Per device mounted on the host (the fsstate section): new
 * errors in its kernel counter, a superblock dumpe2fs cannot read (random data over the volume),
 * a "with errors" state, kernel log errors naming it. Against the baseline: what was already so at
 * accept is info, only what is new since is critical. Without a baseline every error counts.
 * fsck needs the filesystem offline: no automatic repair; the evidence gives the commands.
 */
export const detectFsErrors: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const out: Finding[] = [];
  for (const d of probe.fsState ?? []) {
    const f = deviceFinding(ctx, d);
    if (f) out.push(f);
  }
  // Counters of /sys/fs/ext4 the fsstate section did not cover (a probe without it).
  for (const e of hostFsErrors(probe)) {
    if (probe.fsState?.some((d) => d.device === e.device)) continue;
    const vol = probe.volumes.find((v) => kernelDeviceName(v.device) === e.device);
    out.push({
      machineId: ctx.machine.id,
      class: 'fs-errors',
      severity: 'critical',
      summary: fit(`filesystem errors on ${e.device}${vol ? ` (${vol.mount})` : ''}: ${e.count}`),
      evidence: [fit(`/sys/fs/ext4/${e.device}/errors_count = ${e.count}`), 'run fsck on it offline (unmounted); no automatic repair'],
      subject: e.device,
      repairs: [],
    });
  }
  return out;
};

/**
 * The /sys/fs/ext4 error counters of this host's own filesystems. /sys/fs/ext4 lists every ext4
 * the kernel has mounted, in any mount namespace: with the fsstate section (which knows this
 * host's mounts by kernel name) a counter of no mount of this host is a container's or another
 * host's on the same kernel, and says nothing about this one. Without it every counter counts.
 */
export function hostFsErrors(probe: HostProbe): { device: string; count: number }[] {
  const all = probe.fsErrors ?? [];
  const fsState = probe.fsState;
  if (!fsState) return all;
  return all.filter((e) => fsState.some((d) => d.device === e.device) || probe.volumes.some((v) => kernelDeviceName(v.device) === e.device));
}

/** The volume as the baseline has it: same kernel device, same mount point. */
function acceptedVolume(baseline: HostBaseline | undefined, d: FsDeviceState): LearnedVolume | undefined {
  return baseline?.learned?.volumes?.find((v) => v.device === d.device && v.mount === d.mount);
}

const hasErrors = (state: string | undefined): boolean => state !== undefined && /with errors/.test(state);
const when = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function problemsOf(ctx: DetectContext, d: FsDeviceState): Problem[] {
  const baseline = ctx.baseline;
  const base = acceptedVolume(baseline, d);
  const acceptedMs = baseline ? Date.parse(baseline.acceptedAt) : NaN;
  const since = baseline ? `since the accept (${baseline.acceptedAt})` : 'and the host has no accepted baseline';
  const before = `already so at the accept (${baseline?.acceptedAt ?? '?'})`;
  const where = `${d.device} (${d.mount})`;
  const out: Problem[] = [];

  if (d.superblockError) {
    const old = base?.superblockError !== undefined;
    out.push({
      severity: old ? 'info' : 'critical',
      summary: `superblock of ${where} unreadable`,
      evidence: [fit(`dumpe2fs -h ${d.source}: ${d.superblockError}`, 200), old ? before : 'the on-disk superblock is damaged: data was written over the volume, or the disk fails'],
    });
  } else if (hasErrors(d.state)) {
    const old = hasErrors(base?.state);
    out.push({ severity: old ? 'info' : 'critical', summary: `${where} state: ${d.state}`, evidence: [fit(`dumpe2fs -h: Filesystem state: ${d.state}${old ? `; ${before}` : ''}`)] });
  } else if (base?.state && d.state && d.state !== base.state && d.state !== 'clean') {
    out.push({ severity: 'warning', summary: `${where} state: ${d.state}`, evidence: [fit(`dumpe2fs -h: Filesystem state: ${d.state}, ${base.state} at the accept`)] });
  }

  if (d.errorsCount !== undefined && d.errorsCount > 0) {
    const atAccept = base?.errorsCount ?? 0;
    const fresh = d.errorsCount - atAccept;
    const evidence = [fit(`/sys/fs/ext4/${d.device}/errors_count = ${d.errorsCount}${baseline ? `, ${atAccept} at the accept` : ''}`)];
    if (d.firstError) evidence.push(fit(`first error ${when(d.firstError.atMs)}${d.firstError.where ? ` in ${d.firstError.where}` : ''}`));
    if (d.lastError) evidence.push(fit(`last error ${when(d.lastError.atMs)}${d.lastError.where ? ` in ${d.lastError.where}` : ''}`));
    out.push(
      fresh > 0
        ? { severity: 'critical', summary: `filesystem errors on ${where}: ${d.errorsCount}`, evidence: baseline ? [...evidence, `${fresh} new ${since}`] : evidence }
        : { severity: 'info', summary: `filesystem errors on ${where} from before the accept: ${d.errorsCount}`, evidence: [...evidence, before] },
    );
  }

  if (d.kernelErrors.length > 0) {
    // Lines without a time cannot be placed after the accept: shown, never critical.
    const fresh = baseline ? d.kernelErrors.filter((l) => l.atMs !== undefined && l.atMs > acceptedMs) : d.kernelErrors;
    const last = (fresh.length ? fresh : d.kernelErrors)[(fresh.length ? fresh : d.kernelErrors).length - 1]!;
    const lastLine = fit(`last: ${last.text}`, 200);
    if (fresh.length) {
      out.push({
        severity: baseline ? 'critical' : 'warning',
        summary: `${fresh.length} kernel log error${fresh.length === 1 ? '' : 's'} naming ${where}`,
        evidence: [fit(`${fresh.length} kernel log line${fresh.length === 1 ? '' : 's'} with an error ${baseline ? since : 'since boot (no accepted baseline)'}`), lastLine],
      });
    } else {
      out.push({ severity: 'info', summary: `kernel log errors naming ${where} from before the accept`, evidence: [fit(`${d.kernelErrors.length} kernel log line(s) with an error, none ${since}`), lastLine] });
    }
  }
  return out;
}

/** What the operator does instead of a repair: fsck needs the filesystem unmounted. */
function guidance(d: FsDeviceState): string[] {
  if (d.mount === '/') return ['no automatic repair: fsck needs / unmounted; from a console, reboot with fsck.mode=force (or touch /forcefsck)'];
  const m = shQuote(d.mount);
  return [
    'no automatic repair: fsck needs the filesystem unmounted (stop what uses it first)',
    fit(`on the host: umount ${m} && e2fsck -f ${shQuote(d.source)} && mount ${m}`, 200),
  ];
}

function deviceFinding(ctx: DetectContext, d: FsDeviceState): Finding | undefined {
  const problems = problemsOf(ctx, d);
  if (problems.length === 0) return undefined;
  const worst = problems.reduce((a, b) => (RANK[b.severity] > RANK[a.severity] ? b : a));
  return {
    machineId: ctx.machine.id,
    class: 'fs-errors',
    severity: worst.severity,
    summary: fit(worst.summary),
    evidence: [
      fit(`device ${d.source} (kernel ${d.device}, ${d.fstype}) mounted at ${d.mount}`),
      ...problems.flatMap((p) => p.evidence),
      ...(worst.severity === 'info' ? ['accept the host again (A) once it is checked (fsck)'] : guidance(d)),
    ],
    subject: d.device,
    repairs: [],
  };
}

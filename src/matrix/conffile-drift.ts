import type { ConffileDrift, Finding, HeavyChecks, HostBaseline } from '../model/index.js';
import { declaredChecks } from './declared.js';
import { ago, fit, remoteNow } from './text.js';
import type { Detector } from './types.js';

/** Subject of the one finding listing drifted conffiles while there is no baseline to compare with. */
export const CONFFILES_SUBJECT = 'package config files';

/** Conffiles drifted since the accept reported one finding each; beyond, one finding lists the rest. */
const MAX_SEPARATE = 10;

const VERIFY_COMMAND: Record<HeavyChecks['packageManager'], string> = { dpkg: 'dpkg --verify', rpm: 'rpm -Va', none: 'no package manager' };

/** Where the operator gets the file as the package ships it (shown, never run by remlite). */
function packagedCopy(manager: HeavyChecks['packageManager'], pkg: string | undefined): string {
  const p = pkg ?? 'PACKAGE';
  return manager === 'rpm' ? `dnf download ${p} && rpm2cpio ${p}-*.rpm | cpio -id` : `apt-get download ${p} && dpkg-deb -x ${p}_*.deb DIR`;
}

/** Why the baseline holds no conffile set, and what to do. */
function whyNotLearned(baseline: HostBaseline | undefined): string {
  if (!baseline) return 'accept the host (A) to take these as its known-good state';
  if (!baseline.learned) return 'the baseline predates conffile learning: accept again (A)';
  // An accept on a slow or loaded host can end before its package verify answers.
  return 'the accept got no answer from the package verify: accept again (A)';
}

function named(c: ConffileDrift): string {
  return c.package ? `${c.path} (${c.package})` : c.path;
}

/**
 * Package-managed config files (dpkg conffiles, rpm %config) that differ from what their package
 * installed, with nothing declared. Until the host is accepted they are one info finding; the
 * accept takes the drifted set as known-good, and a conffile that drifts after it is a warning.
 * Declared configs are config-drift's own (checksummed, restorable): left out here.
 */
export const detectConffileDrift: Detector = (ctx) => {
  const heavy = ctx.poll.probe?.heavy;
  if (!heavy || heavy.packageManager === 'none') return [];
  const declared = new Set(declaredChecks(ctx.machine).configs.map((c) => c.path));
  const drifted = heavy.conffiles.filter((c) => !declared.has(c.path));
  const asOf = fit(`as of ${VERIFY_COMMAND[heavy.packageManager]} ${ago(heavy.atMs, remoteNow(ctx.poll, ctx.now))}`);
  const accepted = ctx.baseline?.learned?.conffiles;
  if (!accepted) {
    if (drifted.length === 0) return [];
    const shown = drifted.slice(0, 5).map((c) => fit(`${c.missing ? 'missing: ' : ''}${named(c)}`));
    const more = drifted.length > shown.length ? [`… and ${drifted.length - shown.length} more`] : [];
    return [
      {
        machineId: ctx.machine.id,
        class: 'config-drift',
        severity: 'info',
        summary: fit(`${drifted.length} package config file${drifted.length === 1 ? '' : 's'} differ from the package; ${ctx.baseline ? 'not in the baseline' : 'no baseline yet'}`),
        evidence: [...shown, ...more, asOf, whyNotLearned(ctx.baseline)],
        subject: CONFFILES_SUBJECT,
        repairs: [],
      },
    ];
  }
  const known = new Set(accepted);
  const fresh = drifted.filter((c) => !known.has(c.path));
  const out: Finding[] = fresh.slice(0, MAX_SEPARATE).map((c) => ({
      machineId: ctx.machine.id,
      class: 'config-drift' as const,
      severity: 'warning' as const,
      summary: fit(`package config ${c.path} ${c.missing ? 'is missing' : 'changed'} since the accept`),
      evidence: [
        fit(`${VERIFY_COMMAND[heavy.packageManager]}: ${c.flags} c ${c.path}`),
        fit(c.package ? `package ${c.package}; not declared: remlite keeps no copy of it` : 'owning package not named; not declared: remlite keeps no copy of it'),
        asOf,
        "intended? accept again (A); else take the package's version from",
        fit(packagedCopy(heavy.packageManager, c.package)),
        'declare it (configs:) and accept to keep a restorable copy',
      ],
      subject: c.path,
      repairs: [],
    }));
  const rest = fresh.slice(MAX_SEPARATE);
  if (rest.length) {
    out.push({
      machineId: ctx.machine.id,
      class: 'config-drift',
      severity: 'warning',
      summary: fit(`${rest.length} more package config files changed since the accept`),
      evidence: [...rest.slice(0, 5).map((c) => fit(named(c))), ...(rest.length > 5 ? [`… and ${rest.length - 5} more`] : []), asOf],
      subject: CONFFILES_SUBJECT,
      repairs: [],
    });
  }
  return out;
};

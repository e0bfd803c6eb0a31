import type { HostProbe, Machine } from '../../model/index.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import { CLEANUP_LOG_DIR, mountOf } from '../../util/mount-of.js';
import type { CatalogueEntry, PlanContext } from './types.js';
import { requireOnHost } from '../guard.js';
import { withPrivilege } from '../../util/privilege.js';
import { pathError } from './params.js';
import { formatBytes } from '../../util/format-bytes.js';

/** Default of the `cleanupMinAgeDays` setting (src/persist/settings.ts): younger files are kept. */
export const DEFAULT_CLEANUP_MIN_AGE_DAYS = 7;
/** Journal size left after a vacuum (archived journal files only; the active ones are never removed). */
const JOURNAL_KEEP = '64M';
/** Names logrotate and friends give rotated or compressed logs: app.log.1, syslog.2.gz, x.old... */
const ROTATED = ['-name', '*.gz', '-o', '-name', '*.xz', '-o', '-name', '*.zst', '-o', '-name', '*.[0-9]', '-o', '-name', '*.old'];
/** One line per file: bytes, tab, path (what the preview sums and the run logs). */
const PRINT = ['-printf', '%s\\t%p\\n'];

export { mountOf };

interface CleanupTargets {
  rotatedLogs: boolean;
  journal: boolean;
  paths: string[];
}

/** The stated policy, applied to one mount. */
function cleanupTargets(machine: Machine, probe: HostProbe | undefined, mount: string): CleanupTargets {
  const volumes = probe?.volumes;
  return {
    rotatedLogs: mountOf(volumes, CLEANUP_LOG_DIR) === mount,
    journal: probe?.init === 'systemd' && mountOf(volumes, `${CLEANUP_LOG_DIR}/journal`) === mount,
    paths: (machine.checks?.cleanupPaths ?? []).filter((p) => mountOf(volumes, p) === mount),
  };
}

/** The directories find walks: /var/log (rotated names only) and the declared paths (every old file). */
function dirsOf(t: CleanupTargets): string[] {
  return [...(t.rotatedLogs ? [CLEANUP_LOG_DIR] : []), ...t.paths];
}

function ageDays(ctx: PlanContext): number {
  return ctx.cleanupMinAgeDays ?? DEFAULT_CLEANUP_MIN_AGE_DAYS;
}

const DIR_CONDITION = 'is absent, or a directory reached through no symlink';

/**
 * On the host, before anything is deleted: each directory is a real directory reached through no
 * symlink (readlink -f gives the path back), so find, which never follows links (-P), cannot be led
 * out of it; and journalctl exists when the journal is vacuumed. A directory that is not there (a
 * mount not mounted right now) has nothing to delete: it is skipped, not an error.
 */
function guards(t: CleanupTargets): string[] {
  const out = dirsOf(t).map((d) => {
    const q = shQuote(d);
    return requireOnHost(
      `if [ -e ${q} ] || [ -L ${q} ]; then [ -d ${q} ] && [ ! -L ${q} ] && [ "$(readlink -f -- ${q})" = ${q} ]; fi`,
      `${d} ${DIR_CONDITION}`,
    );
  });
  if (t.journal) out.push(requireOnHost('command -v journalctl >/dev/null 2>&1', 'journalctl is installed'));
  return out;
}

/**
 * find commands, one per directory: no symlink followed (-P), staying on the mount (-xdev), regular
 * files only, older than the stated age, each printed as "bytes<TAB>path".
 */
function finds(t: CleanupTargets, days: number, extra: string[]): string[] {
  const old = ['-mmin', `+${days * 24 * 60}`];
  const ifThere = (d: string, find: string) => `{ [ ! -d ${shQuote(d)} ] || ${find}; }`;
  const out: string[] = [];
  if (t.rotatedLogs) out.push(ifThere(CLEANUP_LOG_DIR, shCommand('find', '-P', CLEANUP_LOG_DIR, '-xdev', '-type', 'f', '(', ...ROTATED, ')', ...old, ...PRINT, ...extra)));
  for (const p of t.paths) out.push(ifThere(p, shCommand('find', '-P', p, '-xdev', '-type', 'f', ...old, ...PRINT, ...extra)));
  return out;
}

function targets(p: Record<string, string>, ctx: PlanContext): CleanupTargets {
  return cleanupTargets(ctx.machine, ctx.probe, p['mount'] ?? '');
}

/** A declared path find may walk: normalized, and not a whole filesystem root. */
function cleanupPathError(p: string): string | undefined {
  if (p === '/' || p.endsWith('/') || p.includes('//') || p.split('/').some((c) => c === '.' || c === '..'))
    return `cleanup path "${p}" is not a plain directory path`;
  return undefined;
}

export const DISK_CLEANUP_ENTRIES: Record<string, CatalogueEntry> = {
  'disk.cleanup': {
    id: 'disk.cleanup',
    title: (p) => `Free space on ${p['mount']} (old rotated logs, journal, cleanup paths)`,
    params: ['mount'],
    validate: (p) => pathError(p['mount'], 'mount'),
    check(p, ctx) {
      const mount = p['mount'] ?? '';
      if (!ctx.probe) return `${ctx.machine.name} has not been probed yet: its mounts are unknown`;
      if (!ctx.probe.volumes.some((v) => v.mount === mount)) return `${mount} is not a mount of ${ctx.machine.name}`;
      const t = targets(p, ctx);
      if (!t.rotatedLogs && !t.journal && t.paths.length === 0) return `nothing to clean on ${mount}: no /var/log or cleanup path on it`;
      for (const d of t.paths) {
        const bad = cleanupPathError(d);
        if (bad) return bad;
      }
      return undefined;
    },
    preconditions(p, ctx) {
      const t = targets(p, ctx);
      return [...dirsOf(t).map((d) => `${d} ${DIR_CONDITION}`), ...(t.journal ? ['journalctl is installed'] : [])];
    },
    preview(p, ctx) {
      const t = targets(p, ctx);
      const steps = [...guards(t), ...finds(t, ageDays(ctx), [])];
      if (t.journal) steps.push(shCommand('journalctl', '--disk-usage'));
      return {
        command: withPrivilege(ctx.machine, steps.join(' && ')),
        description: `files older than ${ageDays(ctx)} days the cleanup of ${p['mount']} would delete, with their sizes`,
      };
    },
    command(p, ctx) {
      const t = targets(p, ctx);
      const days = ageDays(ctx);
      const steps = [...guards(t), ...finds(t, days, ['-delete'])];
      if (t.journal) steps.push(shCommand('journalctl', `--vacuum-time=${days}d`, `--vacuum-size=${JOURNAL_KEEP}`));
      return withPrivilege(ctx.machine, steps.join(' && '));
    },
    expected: (p) => `the previewed files are gone and ${p['mount']} has that much more free space on the next probe`,
  },
};

/** Sums a cleanup preview ("bytes<TAB>path" lines, other lines are notes) into words for the operator. */
export function summarizeCleanupPreview(output: string, maxFiles = 8): { bytes: number; files: number; text: string } {
  let bytes = 0;
  const files: { size: number; path: string }[] = [];
  const notes: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\d+)\t(.+)$/.exec(line);
    if (m) {
      const size = Number(m[1]);
      bytes += size;
      files.push({ size, path: m[2] ?? '' });
    } else if (line.trim() !== '') notes.push(line.trim());
  }
  const head = `would free ${formatBytes(bytes)} (${bytes} bytes) in ${files.length} file${files.length === 1 ? '' : 's'}`;
  const shown = files
    .sort((a, b) => b.size - a.size)
    .slice(0, maxFiles)
    .map((f) => `  ${formatBytes(f.size).padStart(9)}  ${f.path}`);
  const more = files.length > maxFiles ? [`  … and ${files.length - maxFiles} more`] : [];
  return { bytes, files: files.length, text: [head, ...shown, ...more, ...notes].join('\n') };
}

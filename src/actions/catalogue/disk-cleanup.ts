import type { HostProbe, Machine } from '../../model/index.js';
import { shCommand } from '../../util/shell-quote.js';
import type { CatalogueEntry, PlanContext } from '../catalogue.js';
import { withPrivilege } from '../privilege.js';
import { pathError } from './params.js';
import { formatBytes } from '../../util/format-bytes.js';

/** Journal size left after a vacuum. */
export const JOURNAL_KEEP = '64M';
const ROTATED = ['-name', '*.gz', '-o', '-name', '*.[0-9]', '-o', '-name', '*.old'];
/** One line per file: bytes, tab, path (what the preview sums and the run logs). */
const PRINT = ['-printf', '%s\\t%p\\n'];

/** The mount a path lives on, by the longest mount point of the probe that contains it. */
export function mountOf(probe: HostProbe | undefined, p: string): string | undefined {
  let best: string | undefined;
  for (const v of probe?.volumes ?? []) {
    const m = v.mount;
    const inside = m === '/' || p === m || p.startsWith(m + '/');
    if (inside && (best === undefined || m.length > best.length)) best = m;
  }
  return best;
}

interface CleanupTargets {
  rotatedLogs: boolean;
  journal: boolean;
  paths: string[];
}

/** The stated policy, applied to one mount. */
export function cleanupTargets(machine: Machine, probe: HostProbe | undefined, mount: string): CleanupTargets {
  return {
    rotatedLogs: mountOf(probe, '/var/log') === mount,
    journal: mountOf(probe, '/var/log/journal') === mount,
    paths: (machine.checks?.cleanupPaths ?? []).filter((p) => mountOf(probe, p) === mount),
  };
}

/** find commands, one per target: they stay on the mount (-xdev) and print "bytes<TAB>path". */
function finds(t: CleanupTargets, extra: string[]): string[] {
  const out: string[] = [];
  if (t.rotatedLogs) out.push(shCommand('find', '/var/log', '-xdev', '-type', 'f', '(', ...ROTATED, ')', ...PRINT, ...extra));
  for (const p of t.paths) out.push(shCommand('find', p, '-xdev', '-type', 'f', ...PRINT, ...extra));
  return out;
}

function targets(p: Record<string, string>, ctx: PlanContext): CleanupTargets {
  return cleanupTargets(ctx.machine, ctx.probe, p['mount'] ?? '');
}

export const DISK_CLEANUP_ENTRIES: Record<string, CatalogueEntry> = {
  'disk.cleanup': {
    id: 'disk.cleanup',
    title: (p) => `Free space on ${p['mount']} (rotated logs, journal, cleanup paths)`,
    params: ['mount'],
    validate: (p) => pathError(p['mount'], 'mount'),
    check(p, ctx) {
      const mount = p['mount'] ?? '';
      if (!ctx.probe) return `${ctx.machine.name} has not been probed yet: its mounts are unknown`;
      if (!ctx.probe.volumes.some((v) => v.mount === mount)) return `${mount} is not a mount of ${ctx.machine.name}`;
      const t = targets(p, ctx);
      if (!t.rotatedLogs && !t.journal && t.paths.length === 0)
        return `nothing to clean on ${mount} by policy: /var/log is not on it and no declared cleanup path is`;
      return undefined;
    },
    preview(p, ctx) {
      const t = targets(p, ctx);
      const steps = finds(t, []);
      if (t.journal) steps.push(shCommand('journalctl', '--disk-usage'));
      return {
        command: withPrivilege(ctx.machine, steps.join(' && ')),
        description: `files the cleanup of ${p['mount']} would delete, with their sizes`,
      };
    },
    command(p, ctx) {
      const t = targets(p, ctx);
      const steps = finds(t, ['-delete']);
      if (t.journal) steps.push(shCommand('journalctl', `--vacuum-size=${JOURNAL_KEEP}`));
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

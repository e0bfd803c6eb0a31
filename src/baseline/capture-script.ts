import type { Machine } from '../model/index.js';
import { shQuote } from '../util/shell-quote.js';
import { SAFE_DATABASE } from './store.js';
import { learnScript } from './learn-script.js';

/** Files larger than this are not copied into the baseline (the operator is told so). */
export const MAX_CAPTURE_BYTES = 8 * 1024 * 1024;

export interface CaptureItem {
  kind: 'config' | 'data' | 'log';
  path: string;
  /** Configs and data files are copied; logs are only stat'ed (mode and owner). */
  content: boolean;
}

/** What "accept current as good" records for a host: every declared file, modules, databases. */
export interface CapturePlan {
  files: CaptureItem[];
  modules: boolean;
  databases: string[];
  /** Declarations that cannot be captured (unsafe database names...). */
  skipped: string[];
  /** Learn the running units and listening sockets too (a full accept; not when only new declarations are added). */
  learn?: boolean;
}

export function capturePlan(machine: Machine): CapturePlan {
  const checks = machine.checks;
  const files: CaptureItem[] = [];
  const seen = new Set<string>();
  const add = (kind: CaptureItem['kind'], p: string) => {
    if (seen.has(p) || !p.startsWith('/') || /[\0\r\n]/.test(p)) return;
    seen.add(p);
    files.push({ kind, path: p, content: kind !== 'log' });
  };
  for (const c of checks?.configs ?? []) add('config', c.path);
  for (const p of checks?.dataPaths ?? []) add('data', p);
  for (const p of checks?.permFiles ?? []) add('log', p);
  // Declared log files are watched for their permissions too.
  for (const l of machine.logs) if (l.kind === 'file') add('log', l.target);
  const skipped: string[] = [];
  const databases: string[] = [];
  for (const d of checks?.databases ?? []) {
    if (SAFE_DATABASE.test(d.name)) databases.push(d.name);
    else skipped.push(`database "${d.name}" has a name remlite does not handle`);
  }
  return { files, modules: (checks?.modules.length ?? 0) > 0, databases, skipped, learn: true };
}

export function isEmptyCapture(plan: CapturePlan): boolean {
  return plan.files.length === 0 && !plan.modules && plan.databases.length === 0 && !plan.learn;
}

/**
 * One POSIX sh script printing, per item (by index, so paths never need parsing back): its stat,
 * and for copied files the sha256 and base64 content; then /proc/modules and each database's tables.
 */
export function captureScript(plan: CapturePlan, maxBytes = MAX_CAPTURE_BYTES): string {
  const lines = [
    'LC_ALL=C; export LC_ALL',
    `cap() {`,
    `  echo "@@F $1"`,
    `  if [ ! -e "$2" ]; then echo MISSING; return; fi`,
    `  stat -c 'STAT %a %U %G %s %F' -- "$2" || { echo UNREADABLE; return; }`,
    `  [ "$3" = 1 ] || return`,
    `  [ -f "$2" ] || return`,
    `  sz=$(stat -c %s -- "$2")`,
    `  if [ "$sz" -gt ${maxBytes} ]; then echo "TOOBIG $sz"; return; fi`,
    `  sum=$(sha256sum < "$2") || { echo UNREADABLE; return; }`,
    `  echo "SHA \${sum%% *}"`,
    `  echo "@@B"; base64 < "$2"; echo "@@E"`,
    `}`,
  ];
  plan.files.forEach((f, i) => lines.push(`cap ${i} ${shQuote(f.path)} ${f.content ? 1 : 0}`));
  if (plan.modules) lines.push('echo "@@M"', "cut -d' ' -f1 /proc/modules", 'echo "@@ME"');
  plan.databases.forEach((db, i) =>
    lines.push(
      `echo "@@D ${i}"`,
      `if out=$(mysql --batch --skip-column-names -e 'SHOW TABLES' ${shQuote(db)} 2>&1); then printf '%s\\n' "$out" | sed 's/^/T /'; else printf '%s\\n' "$out" | sed 's/^/X /'; fi`,
    ),
  );
  if (plan.learn) lines.push(learnScript());
  lines.push('echo "@@END"');
  return lines.join('\n') + '\n';
}

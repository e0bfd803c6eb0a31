import { randomUUID } from 'node:crypto';
import type { HostBaseline, Machine } from '../model/index.js';
import type { HostExec, HostExecResult } from '../exec/host-exec.js';
import type { AuditLog } from '../persist/audit-log.js';
import type { BaselineStore } from './store.js';
import { sanitizeLine } from '../util/sanitize.js';
import { withPrivilege } from '../util/privilege.js';
import { capturePlan, captureScript, isEmptyCapture, MAX_CAPTURE_BYTES } from './capture-script.js';
import { parseCapture, type CaptureResult } from './capture-parse.js';
import { dumpCommand, MAX_DUMP_BYTES, storeDump } from './dumps.js';

export interface AcceptDeps {
  hostExec: HostExec;
  baselines: BaselineStore;
  audit: AuditLog;
  who: string;
  timeoutMs: number;
}

export interface AcceptOutcome {
  machineId: string;
  ok: boolean;
  baseline?: HostBaseline;
  /** Declared items that are not in the baseline, and why. */
  problems: string[];
  /** One line for the operator (and the audit log). */
  summary: string;
}

/** All captured files of one exec: the content of up to a few files of 8 MiB, base64. */
const MAX_CAPTURE_OUTPUT = 96 * 1024 * 1024;

function failureText(r: HostExecResult): string | undefined {
  if (r.failure) return r.failure.message;
  if (r.truncated) return 'the capture output was larger than remlite reads at once';
  if (r.code !== 0) return `exit ${r.code ?? 'none'}: ${sanitizeLine(r.stderr.trim().split('\n').slice(-2).join(' '))}`;
  return undefined;
}

/** The capture script runs as root: through `sudo -n` for non-root SSH users. */
function runCapture(deps: AcceptDeps, machine: Machine, script: string): Promise<HostExecResult> {
  const opts = { maxOutputBytes: MAX_CAPTURE_OUTPUT };
  if (!machine.ssh) return deps.hostExec.exec(machine, script, deps.timeoutMs, undefined, opts);
  const shell = machine.ssh.user === 'root' ? 'sh -s' : 'sudo -n -- sh -s';
  return deps.hostExec.exec(machine, shell, deps.timeoutMs, script, opts);
}

/**
 * "Accept current as good" for one host: one exec captures every declared file (stat, copy), the
 * loaded modules and each database's tables; then each database is dumped. Copies, dumps and
 * baseline.json go to the baseline store; the audit log records what was captured (never contents).
 */
export async function acceptHost(deps: AcceptDeps, machine: Machine): Promise<AcceptOutcome> {
  const plan = capturePlan(machine);
  const id = randomUUID();
  const audit = (phase: 'started' | 'finished', command: string, exitCode?: number, error?: string) =>
    deps.audit.append({ id, phase, at: new Date().toISOString(), who: deps.who, machineId: machine.id, host: machine.name, action: 'baseline.accept', command, exitCode, error });
  const fail = (summary: string): AcceptOutcome => ({ machineId: machine.id, ok: false, problems: [summary], summary });

  if (isEmptyCapture(plan)) return fail(`${machine.name} declares no configs, data, permission files, modules or databases: nothing to accept`);
  await audit('started', `capture ${plan.files.length} files${plan.modules ? ', modules' : ''}${plan.databases.length ? `, databases ${plan.databases.join(' ')}` : ''}${plan.learn ? ', running units and listening sockets' : ''}`);

  const r = await runCapture(deps, machine, captureScript(plan, MAX_CAPTURE_BYTES));
  const failed = failureText(r);
  const parsed = failed ? undefined : parseCapture(plan, r.stdout);
  if (!parsed?.complete) {
    const summary = `${machine.name}: baseline not accepted: ${failed ?? 'the capture output was cut short'}`;
    await audit('finished', 'capture failed', r.code ?? undefined, summary);
    return fail(summary);
  }

  const baseline: HostBaseline = {
    machineId: machine.id,
    acceptedAt: new Date().toISOString(),
    acceptedBy: deps.who,
    files: {},
    modules: parsed.modules ?? [],
    databases: {},
  };
  if (parsed.learned) {
    const { logStats, tables, ...learned } = parsed.learned;
    // Learned databases go the declared ones' way: table list and a dump (recordCapture), db.restore-ready.
    for (const [name, list] of Object.entries(tables ?? {})) {
      if (!parsed.databases.some((d) => d.name === name)) parsed.databases.push({ name, tables: list });
    }
    baseline.learned = learned;
    // Learned logs are watched like declared perm_files: their mode and owner at accept.
    for (const [path, stat] of Object.entries(logStats ?? {})) baseline.files[path] = { kind: 'log', ...stat };
  }
  const { captured, problems } = await recordCapture(deps, machine, parsed, baseline);
  problems.unshift(...plan.skipped);
  if (plan.modules) captured.splice(parsed.files.filter((f) => !f.problem).length, 0, `${baseline.modules.length} loaded modules`);
  const learned = baseline.learned;
  if (learned?.units.length) {
    captured.push(`running units: ${learned.units.join(' ')}`);
    if (learned.sockets.length) captured.push(`listening: ${learned.sockets.map((k) => `${k.unit} ${k.address}:${k.port}/${k.protocol}`).join(', ')}`);
    if (learned.databases?.length) captured.push(`databases found: ${learned.databases.join(' ')}`);
    if (learned.logs?.length) captured.push(`log files: ${learned.logs.map((l) => `${l.unit} ${l.path}`).join(', ')}`);
    if (learned.logSenders?.length) captured.push(`log senders: ${learned.logSenders.join(' ')}`);
  }

  await deps.baselines.save(baseline);
  deps.baselines.pruneCopies(baseline);
  // Declared entries are counted as before; what was learned is its own phrase.
  const learnedOnly = (k: string, declared: readonly string[]) => !declared.includes(k);
  const logPaths = new Set((learned?.logs ?? []).map((l) => l.path).filter((p) => learnedOnly(p, plan.files.map((f) => f.path))));
  const dbNames = new Set((learned?.databases ?? []).filter((d) => learnedOnly(d, plan.databases)));
  const files = Object.keys(baseline.files).filter((p) => !logPaths.has(p)).length;
  const dbs = Object.keys(baseline.databases).filter((d) => !dbNames.has(d)).length;
  const summary =
    `${machine.name}: baseline accepted (${files} file${files === 1 ? '' : 's'}${plan.modules ? `, ${baseline.modules.length} modules` : ''}${dbs ? `, ${dbs} database${dbs === 1 ? '' : 's'}` : ''})` +
    (learned?.units.length
      ? `; learned ${learned.units.length} running units, ${learned.sockets.length} listening sockets, ${logPaths.size} log files, ${dbNames.size} databases`
      : '') +
    (problems.length ? `; ${problems.length} not captured: ${problems.join('; ')}` : '');
  await audit('finished', `captured: ${captured.join('; ')}`, 0, problems.length ? problems.join('; ') : undefined);
  return { machineId: machine.id, ok: true, baseline, problems, summary };
}

/**
 * Puts what a capture found into `baseline` (mutated): each file's stat and stored copy, each
 * database's tables and a fresh dump (the baseline is saved before each dump so the dump names
 * itself in it). Returns what was recorded and what was not, in words.
 */
export async function recordCapture(
  deps: Pick<AcceptDeps, 'hostExec' | 'baselines' | 'timeoutMs'>,
  machine: Machine,
  parsed: CaptureResult,
  baseline: HostBaseline,
): Promise<{ captured: string[]; problems: string[] }> {
  const problems: string[] = [];
  const captured: string[] = [];
  for (const f of parsed.files) {
    if (f.problem) {
      problems.push(`${f.item.path}: ${f.problem}`);
      continue;
    }
    const entry: HostBaseline['files'][string] = { kind: f.item.kind, mode: f.mode, owner: f.owner, group: f.group, size: f.size };
    if (f.content) {
      entry.sha256 = await deps.baselines.putCopy(machine.id, f.content);
      entry.copy = entry.sha256;
    }
    baseline.files[f.item.path] = entry;
    captured.push(`${f.item.kind} ${f.item.path} ${f.mode} ${f.owner}:${f.group}${entry.sha256 ? ` sha256 ${entry.sha256.slice(0, 16)}` : ''}`);
  }
  for (const d of parsed.databases) {
    if (d.error !== undefined || !d.tables) {
      problems.push(`database ${d.name}: ${d.error ?? 'no table list'}`);
      continue;
    }
    baseline.databases[d.name] = { tables: d.tables };
    const dump = await deps.hostExec.exec(machine, withPrivilege(machine, dumpCommand(d.name)), deps.timeoutMs, undefined, { maxOutputBytes: MAX_DUMP_BYTES });
    const dumpFailed = failureText(dump) ?? (dump.stdout.trim() === '' ? 'mysqldump printed nothing' : undefined);
    if (dumpFailed) {
      problems.push(`database ${d.name}: dump failed (${dumpFailed})`);
      captured.push(`database ${d.name} ${d.tables.length} tables (no dump)`);
      continue;
    }
    // Saved first so storeDump names the dump in this baseline.
    await deps.baselines.save(baseline);
    const stored = await storeDump(deps.baselines, machine.id, d.name, Buffer.from(dump.stdout, 'utf8'));
    baseline.databases[d.name] = { tables: d.tables, dump: stored.name, dumpedAt: stored.at, dumpSha256: stored.sha256 };
    captured.push(`database ${d.name} ${d.tables.length} tables, dump ${stored.name} ${stored.bytes} bytes sha256 ${stored.sha256.slice(0, 16)}`);
  }
  return { captured, problems };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

import { createInterface } from 'node:readline/promises';
import type { HostBaseline, Machine } from '../model/index.js';
import { capturePlan } from '../baseline/capture-script.js';
import { sanitizeLine } from '../util/sanitize.js';
import { openProbed } from './probe-once.js';
import { StartupError, type Startup } from './startup.js';

/** What accepting a host captures, in words. */
function captureWords(m: Machine): string {
  const plan = capturePlan(m);
  const parts = [...plan.files.map((f) => `${f.kind} ${f.path}`), ...(plan.modules ? ['the loaded modules'] : []), ...plan.databases.map((d) => `database ${d} (tables + dump)`)];
  return parts.length ? parts.join(', ') : 'nothing declared';
}

/** The stored baseline, one line per entry. */
function baselineLines(b: HostBaseline): string[] {
  const files = Object.entries(b.files).map(
    ([path, f]) => `${f.kind} ${path} ${f.mode ?? '?'} ${f.owner ?? '?'}:${f.group ?? '?'}${f.sha256 ? ` sha256 ${f.sha256.slice(0, 16)}` : ''}${f.copy ? ' (copy kept)' : ''}`,
  );
  const dbs = Object.entries(b.databases).map(([name, d]) => `database ${name}: ${d.tables.length} tables${d.dump ? `, dump ${d.dump}` : ', no dump'}`);
  return [...files, ...(b.modules.length ? [`${b.modules.length} loaded modules`] : []), ...dbs];
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return answer.trim().toLowerCase() === 'y';
}

/**
 * `remlite accept HOST|--pool P [--yes]`: the console's `A` for scripts (after a deploy): the same
 * intent, capture, baseline store and audit. Exit 0 when every host was accepted, 1 when one was
 * not, 2 when refused or cancelled.
 */
export async function runAccept(startup: Startup, target: { host?: string; pool?: string }, yes: boolean): Promise<number> {
  const out = (line: string) => process.stdout.write(line + '\n');
  const err = (line: string) => process.stderr.write(`remlite: ${line}\n`);
  if (startup.options.readOnly) {
    err('read-only mode: accepting baselines is disabled');
    return 2;
  }
  const { host, pool } = target;
  const core = await openProbed(startup, (m) => (host !== undefined ? m.id === host || m.name === host : m.pool === pool));
  try {
    const s = core.store.getState();
    const machines = s.order.map((id) => s.hosts[id]!.machine);
    if (machines.length === 0) throw new StartupError(host !== undefined ? `no host "${host}" in the fleet` : `no host in pool "${pool}"`);
    for (const m of machines) {
      const old = core.baselines.load(m.id).baseline;
      out(`${sanitizeLine(m.name)}: capture ${sanitizeLine(captureWords(m))}`);
      out(`  ${old ? `replaces the baseline accepted ${sanitizeLine(old.acceptedAt)} by ${sanitizeLine(old.acceptedBy)}` : 'no baseline yet'}`);
    }
    if (!yes) {
      if (!process.stdin.isTTY) {
        err('not a terminal: add --yes to accept without asking');
        return 2;
      }
      if (!(await confirmed(`Accept the current state of ${machines.length === 1 ? sanitizeLine(machines[0]!.name) : `${machines.length} hosts`} as good? [y/N] `))) {
        out('cancelled');
        return 2;
      }
    }
    const startedAt = new Date().toISOString();
    await core.intents.acceptBaseline(host !== undefined ? { machineId: machines[0]!.id } : { pool: pool! });
    let failed = 0;
    for (const m of machines) {
      const stored = core.baselines.load(m.id).baseline;
      if (!stored || stored.acceptedAt < startedAt) {
        failed++;
        out(`${sanitizeLine(m.name)}: not accepted`);
        continue;
      }
      out(`${sanitizeLine(m.name)}: stored baseline, accepted ${stored.acceptedAt} by ${sanitizeLine(stored.acceptedBy)}:`);
      for (const line of baselineLines(stored)) out(`  ${sanitizeLine(line)}`);
    }
    const notice = core.store.getState().notice;
    if (notice) out(sanitizeLine(notice.text));
    return failed ? 1 : 0;
  } finally {
    await core.close();
  }
}

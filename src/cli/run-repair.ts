import { createInterface } from 'node:readline/promises';
import type { ActionResult } from '../model/index.js';
import { appliedPollAfter } from '../store/index.js';
import { sanitizeLine, sanitizeText } from '../util/sanitize.js';
import { openOneHost } from './one-host.js';
import type { Startup } from './startup.js';
import { UsageError } from './args.js';

function resultLine(r: ActionResult): string {
  return `exit ${r.exitCode ?? '-'}, ${r.durationMs} ms${r.error ? ': ' + sanitizeLine(r.error) : ''}`;
}

function indented(outputTail: string): string {
  return sanitizeText(outputTail).replace(/^/gm, '  ');
}

/** `key=value` operands → params. */
export function parseParams(words: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${w}" is not key=value (e.g. service=apache2)`);
    params[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return params;
}

/**
 * `remlite repair HOST ACTION [key=value...] [--yes]`: the same planner, confirmation, runner and
 * audit as the console, planning from a probe of the host made for it. Exit 0 when the action
 * succeeded, 1 when it ran and failed (or ran but its end could not be audited), 2 when it was
 * refused, not confirmed, or not run because its start could not be audited (the reason, whole, on stderr).
 */
export async function runRepair(startup: Startup, operands: string[], yes: boolean): Promise<number> {
  const [host, action, ...rest] = operands as [string, string, ...string[]];
  const params = parseParams(rest);
  const { core, id } = await openOneHost(startup, host);
  const out = (line: string) => process.stdout.write(line + '\n');
  try {
    const outcome = core.intents.plan({ action, machineId: id, params });
    if ('refused' in outcome) {
      process.stderr.write(`remlite: refused: ${sanitizeLine(outcome.refused)}\n`);
      return 2;
    }
    const plan = outcome.plan;
    out(`${sanitizeLine(plan.title)} on ${sanitizeLine(plan.hostName)} (${plan.transport})`);
    out(`command: ${sanitizeLine(plan.command)}`);
    if (plan.input) out(`stdin:   ${sanitizeLine(plan.input.description)} (${plan.input.bytes} bytes, sha256 ${plan.input.sha256.slice(0, 12)})`);
    if (plan.preview) out(`preview: ${sanitizeText(await core.intents.preview(plan))}`);
    out(`expect:  ${sanitizeLine(plan.expected)}`);
    if (!yes) {
      if (!process.stdin.isTTY) {
        process.stderr.write('remlite: not a terminal: add --yes to run it without asking\n');
        return 2;
      }
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question('Run it? [y/N] ');
      rl.close();
      if (answer.trim().toLowerCase() !== 'y') {
        out('cancelled');
        return 2;
      }
    }
    const refusal = await core.intents.run(plan);
    const run = core.store.getState().actions.find((a) => a.plan === plan);
    const r = run?.result;
    if (!run || !r) {
      process.stderr.write(`remlite: not run: ${sanitizeLine(refusal ? refusal.refused : (core.store.getState().notice?.text ?? 'refused'))}\n`);
      return 2;
    }
    if (r.auditError) {
      // Whatever the action did, a run the audit log does not fully record is not a success.
      out(`${run.state} (${resultLine(r)})`);
      if (r.outputTail) out(indented(r.outputTail));
      process.stderr.write(`remlite: ${sanitizeLine(r.auditError.message)}\n`);
      return r.auditError.phase === 'started' ? 2 : 1;
    }
    if (run.state !== 'succeeded') {
      // The reason goes where a script looks for it: stderr, with the exit code and the last lines of output.
      process.stderr.write(`remlite: failed: ${sanitizeLine(plan.title)} on ${sanitizeLine(plan.hostName)}: ${resultLine(r)}\n`);
      if (r.outputTail) process.stderr.write(indented(r.outputTail) + '\n');
      return 1;
    }
    out(`${run.state} (${resultLine(r)})`);
    if (r.outputTail) out(indented(r.outputTail));
    if (run.finishedAt) {
      const poll = await appliedPollAfter(core.store, id, run.finishedAt);
      const h = core.store.getState().hosts[id]!;
      out(`verified by a new probe: ${poll.reach}, ${h.findings.length ? h.findings.map((f) => `${f.severity} ${sanitizeLine(f.summary)}`).join('; ') : 'no findings'}`);
    }
    return 0;
  } finally {
    await core.close();
  }
}

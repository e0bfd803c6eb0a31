// Which hosts each tool got through, read from the tool's own output, and the rule that a figure
// built on a run where any host failed is itself a failure.

/** One tool run: how many hosts it was given and the ones that failed (host -> reason). */
export interface ToolRun {
  hosts: number;
  failed: Map<string, string>;
}

export function toolRun(hosts: string[], ok: Set<string>, reasons: Map<string, string>): ToolRun {
  const failed = new Map<string, string>();
  for (const h of hosts) if (!ok.has(h)) failed.set(h, reasons.get(h) ?? 'no result from the tool');
  return { hosts: hosts.length, failed };
}

/**
 * parallel-ssh's status lines: "[3] 08:00:01 [SUCCESS] root@10.0.0.3" or
 * "[4] 08:00:02 [FAILURE] root@10.0.0.4 Exited with error code 255". Host names without "user@".
 */
export function parsePsshStatus(text: string): { ok: Set<string>; reasons: Map<string, string> } {
  const ok = new Set<string>();
  const reasons = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\[\d+\] \S+ \[(SUCCESS|FAILURE)\] (?:[^@\s]+@)?(\S+)(?: (.*))?$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'SUCCESS') ok.add(m[2]!);
    else reasons.set(m[2]!, m[3]?.trim() || 'FAILURE');
  }
  return { ok, reasons };
}

/**
 * ansible's oneline callback: "HOST | CHANGED | rc=0 | (stdout) ..." is a success when rc=0 and the
 * probe's output is in it; "HOST | FAILED | rc=1 | ..." and "HOST | UNREACHABLE! => {...}" fail.
 */
export function parseAnsibleOneline(text: string, marker: string): { ok: Set<string>; reasons: Map<string, string> } {
  const ok = new Set<string>();
  const reasons = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) \| ([A-Z!]+)(?: \| rc=(-?\d+))?(.*)$/.exec(line);
    if (!m) continue;
    const [, host, state, rc, rest] = m as unknown as [string, string, string, string | undefined, string];
    if ((state === 'CHANGED' || state === 'SUCCESS') && rc === '0' && rest.includes(marker)) ok.add(host);
    else reasons.set(host, `${state}${rc !== undefined ? ` rc=${rc}` : ''}: ${rest.replace(/^[\s|=>]+/, '').slice(0, 160)}`);
  }
  return { ok, reasons };
}

/** The fan-out wrapper's lines "HOST RC" (one per host, printed after its ssh ended). */
export function parseFanoutStatus(text: string): { ok: Set<string>; reasons: Map<string, string> } {
  const ok = new Set<string>();
  const reasons = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    if (m[2] === '0') ok.add(m[1]!);
    else reasons.set(m[1]!, `ssh exited ${m[2]}`);
  }
  return { ok, reasons };
}

export function failedCount(runs: ToolRun[]): number {
  return runs.reduce((n, r) => n + r.failed.size, 0);
}

/** "every host ok (3 runs x 200 hosts)" or which hosts failed and why (the first few, then a count). */
export function runsNote(runs: ToolRun[], shown = 3): string {
  const total = runs.reduce((n, r) => n + r.hosts, 0);
  const hosts = runs[0]?.hosts ?? 0;
  const failures = runs.flatMap((r, i) => [...r.failed].map(([h, why]) => `run ${i + 1} ${h}: ${why}`));
  if (runs.length === 0) return 'did not run';
  if (failures.length === 0) return `every host ok (${runs.length} run${runs.length === 1 ? '' : 's'} x ${hosts} hosts)`;
  const more = failures.length > shown ? `; and ${failures.length - shown} more` : '';
  return `FAILED ${failures.length} of ${total} host polls: ${failures.slice(0, shown).join('; ')}${more}`;
}

/**
 * The verdict of a figure built from tool runs: FAIL when any host of any of them failed, whatever
 * the number; otherwise the target decides (info without one).
 */
export function verdictOf(inputs: ToolRun[][], meetsTarget: boolean | undefined): 'PASS' | 'FAIL' | 'info' {
  if (inputs.some((runs) => runs.length === 0 || failedCount(runs) > 0)) return 'FAIL';
  if (meetsTarget === undefined) return 'info';
  return meetsTarget ? 'PASS' : 'FAIL';
}

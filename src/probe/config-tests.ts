import type { ConfigDecl } from '../model/index.js';
import { isSafeServiceName } from '../util/shell-quote.js';
import { DEFAULT_CONFIG_TESTS } from '../model/config-tests.js';

export { DEFAULT_CONFIG_TESTS, type DefaultConfigTest } from '../model/config-tests.js';

/** One config test the probe runs: explicit ones always, defaults only when their program exists. */
export interface PlannedConfigTest {
  service: string;
  command: string;
  /** Set for default tests: skipped when this program is not installed. */
  program?: string;
  /** Set for some default tests: run first, its output and status ignored (see DefaultConfigTest). */
  prepare?: string;
}

/** A command is one line of text: it is stored on one line of the probe output. */
function isOneLineCommand(command: string): boolean {
  return command.trim() !== '' && !/[\x00-\x1f\x7f]/.test(command);
}

/** Unit name without `.service`, the key of the default table. */
function bareService(service: string): string {
  return service.replace(/\.service$/, '');
}

/** The config tests to run for the declared configs, once per (service, command). */
export function plannedConfigTests(configs: readonly ConfigDecl[]): PlannedConfigTest[] {
  const out: PlannedConfigTest[] = [];
  const seen = new Set<string>();
  for (const c of configs) {
    if (!c.service || !isSafeServiceName(c.service)) continue;
    let planned: PlannedConfigTest | undefined;
    if (c.test !== undefined) {
      if (isOneLineCommand(c.test)) planned = { service: c.service, command: c.test.trim() };
    } else {
      const d = DEFAULT_CONFIG_TESTS[bareService(c.service)];
      if (d) planned = { service: c.service, command: d.command, program: d.program, ...(d.prepare ? { prepare: d.prepare } : {}) };
    }
    if (!planned) continue;
    const key = `${planned.service}\n${planned.command}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(planned);
  }
  return out;
}

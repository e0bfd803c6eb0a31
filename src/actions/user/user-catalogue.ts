import type { Machine, UserAction } from '../../model/index.js';
import type { CatalogueEntry } from '../catalogue/index.js';
import { inPosixShell } from '../../util/privilege.js';
import { isSafeServiceName } from '../../util/shell-quote.js';
import { sanitizeLine } from '../../util/sanitize.js';
import { parseTemplate, renderTemplate, type Placeholder } from './template.js';

const USER_ACTION_PREFIX = 'user:';

export const userActionId = (name: string): string => USER_ACTION_PREFIX + name;

/** The values a template may name, for one machine (and the selected service). */
function placeholderValues(machine: Machine, service: string | undefined): Partial<Record<Placeholder, string>> {
  return {
    host: machine.name,
    address: machine.ssh?.host ?? 'localhost',
    pool: machine.pool,
    site: machine.site,
    ...(service !== undefined ? { service } : {}),
  };
}

/**
 * Catalogue entries for the operator's own actions, so the planner, the confirmation, the runner
 * (one action per host), the audit log (action `user:NAME`) and rollouts treat them like built-in
 * repairs. Actions whose template does not parse are left out (parseUserActions reports them).
 */
export function userCatalogue(actions: readonly UserAction[]): Record<string, CatalogueEntry> {
  const out: Record<string, CatalogueEntry> = {};
  for (const a of actions) {
    const parsed = parseTemplate(a.command);
    if ('error' in parsed) continue;
    const id = userActionId(a.name);
    const usesService = a.scope === 'service';
    out[id] = {
      id,
      title: (p) => (usesService ? `${a.name} ${p['service'] ?? ''}` : a.name),
      params: usesService ? ['service'] : [],
      validate: (p) => {
        if (!usesService) return undefined;
        const service = p['service'];
        if (!service) return 'no service given';
        // A service name comes from a host's probe: it must be a name, not an option or shell syntax.
        return isSafeServiceName(service) ? undefined : `"${sanitizeLine(service)}" is not a valid service name`;
      },
      check(p, ctx) {
        const values = placeholderValues(ctx.machine, usesService ? p['service'] : undefined);
        const nul = parsed.placeholders.find((name) => values[name]?.includes('\0'));
        if (nul) return `the value of {${nul}} contains a NUL byte and cannot be passed to a shell`;
        const dashed = parsed.placeholders.find((name) => values[name]?.startsWith('-'));
        return dashed ? `the value of {${dashed}} starts with "-" and would be read as an option` : undefined;
      },
      command: (p, ctx) => inPosixShell(ctx.machine, renderTemplate(parsed.parts, placeholderValues(ctx.machine, usesService ? p['service'] : undefined))),
      expected: () => a.expect ?? `the command exits 0 (user action "${a.name}" from ${a.origin})`,
    };
  }
  return out;
}

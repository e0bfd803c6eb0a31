import type { ConfigDecl } from '../../model/index.js';
import { defaultConfigTest } from '../../model/config-tests.js';
import { shQuote } from '../../util/shell-quote.js';

/**
 * The config test of a declared config: the inventory's own `test:` (operator-written, used as
 * given), else the default of its service (the same table the probe uses), run only where its
 * program is installed, as the probe does, after the test's `prepare` step when it has one (the
 * conditions the service's start gives the test, e.g. /run/sshd for sshd -t).
 */
export function configTestFor(decl: ConfigDecl | undefined, service: string | undefined): string | undefined {
  if (decl?.test) return decl.test;
  const name = service ?? decl?.service;
  const d = name ? defaultConfigTest(name) : undefined;
  if (!d) return undefined;
  const prepare = d.prepare ? `{ ${d.prepare}; } >/dev/null 2>&1; ` : '';
  return `if command -v ${shQuote(d.program)} >/dev/null 2>&1; then ${prepare}${d.command}; fi`;
}

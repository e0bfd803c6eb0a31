import type { ConfigDecl } from '../model/index.js';
import { isSafeServiceName } from '../util/shell-quote.js';

/**
 * The config test a service is checked with when the inventory names none. `program` must be on
 * the host's PATH, otherwise the test is skipped (not failed): a host without apachectl has no
 * apache config to break.
 */
export interface DefaultConfigTest {
  command: string;
  program: string;
}

export const DEFAULT_CONFIG_TESTS: Readonly<Record<string, DefaultConfigTest>> = {
  apache2: { command: 'apachectl configtest', program: 'apachectl' },
  httpd: { command: 'apachectl configtest', program: 'apachectl' },
  nginx: { command: 'nginx -t', program: 'nginx' },
  ssh: { command: 'sshd -t', program: 'sshd' },
  sshd: { command: 'sshd -t', program: 'sshd' },
  // `mariadbd --validate-config` does not exist in MariaDB 10.x: it starts a second server on the
  // live datadir. my_print_defaults parses every option file and fails on malformed ones.
  mariadb: { command: 'my_print_defaults --mysqld', program: 'my_print_defaults' },
  mysql: { command: 'my_print_defaults --mysqld', program: 'my_print_defaults' },
  named: { command: 'named-checkconf', program: 'named-checkconf' },
  bind9: { command: 'named-checkconf', program: 'named-checkconf' },
  postfix: { command: 'postfix check', program: 'postfix' },
  haproxy: { command: 'haproxy -c -f /etc/haproxy/haproxy.cfg', program: 'haproxy' },
  rsyslog: { command: 'rsyslogd -N1', program: 'rsyslogd' },
};

/** One config test the probe runs: explicit ones always, defaults only when their program exists. */
export interface PlannedConfigTest {
  service: string;
  command: string;
  /** Set for default tests: skipped when this program is not installed. */
  program?: string;
}

/** A command is one line of text: it is stored on one line of the probe output. */
export function isOneLineCommand(command: string): boolean {
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
      if (d) planned = { service: c.service, command: d.command, program: d.program };
    }
    if (!planned) continue;
    const key = `${planned.service}\n${planned.command}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(planned);
  }
  return out;
}

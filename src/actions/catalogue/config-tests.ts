import type { ConfigDecl } from '../../model/index.js';

/** The validating command of well-known services (used when the inventory names none). */
const DEFAULT_TESTS: Record<string, string> = {
  apache2: 'apachectl configtest',
  httpd: 'apachectl configtest',
  nginx: 'nginx -t',
  ssh: 'sshd -t',
  sshd: 'sshd -t',
  named: 'named-checkconf',
  bind9: 'named-checkconf',
  postfix: 'postfix check',
  haproxy: 'haproxy -c -f /etc/haproxy/haproxy.cfg',
  rsyslog: 'rsyslogd -N1',
};

/**
 * The config test of a declared config: the inventory's own `test:` (operator-written, used as
 * given), else the default of its service. MariaDB has none by default: `--validate-config` is not
 * in every version, and a test that cannot run would block every restore.
 */
export function configTestFor(decl: ConfigDecl | undefined, service: string | undefined): string | undefined {
  if (decl?.test) return decl.test;
  const name = (service ?? decl?.service ?? '').replace(/\.service$/, '');
  return DEFAULT_TESTS[name];
}

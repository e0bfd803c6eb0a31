/**
 * The config test a service is checked with when the inventory names none. `program` must be on
 * the host's PATH, otherwise the test is skipped (not failed): a host without apachectl has no
 * apache config to break.
 */
export interface DefaultConfigTest {
  command: string;
  program: string;
  /**
   * Run (output and status ignored) before the test, to give it the conditions the service's own
   * start gives it: without them the test fails while the service is merely stopped.
   */
  prepare?: string;
}

/**
 * sshd -t exits 255 ("Missing privilege separation directory") when /run/sshd is gone, which is
 * the case whenever ssh.service is stopped or failed (systemd removes its RuntimeDirectory). The
 * directory is what systemd creates at start (root, 0755); making it first tests the config as
 * the next start would.
 */
const SSHD_PRIVSEP_DIR = 'test -d /run/sshd || mkdir -m 0755 /run/sshd';

export const DEFAULT_CONFIG_TESTS: Readonly<Record<string, DefaultConfigTest>> = {
  apache2: { command: 'apachectl configtest', program: 'apachectl' },
  httpd: { command: 'apachectl configtest', program: 'apachectl' },
  nginx: { command: 'nginx -t', program: 'nginx' },
  ssh: { command: 'sshd -t', program: 'sshd', prepare: SSHD_PRIVSEP_DIR },
  sshd: { command: 'sshd -t', program: 'sshd', prepare: SSHD_PRIVSEP_DIR },
  // `mariadbd --validate-config` does not exist in MariaDB 10.x: it starts a second server on the
  // live datadir. my_print_defaults parses every option file and fails on malformed ones.
  mariadb: { command: 'my_print_defaults --mysqld', program: 'my_print_defaults' },
  mysql: { command: 'my_print_defaults --mysqld', program: 'my_print_defaults' },
  named: { command: 'named-checkconf', program: 'named-checkconf' },
  bind9: { command: 'named-checkconf', program: 'named-checkconf' },
  postfix: { command: 'postfix check', program: 'postfix' },
  // Debian's postfix.service is a oneshot wrapper; the instance unit runs the mail system.
  'postfix@-': { command: 'postfix check', program: 'postfix' },
  haproxy: { command: 'haproxy -c -f /etc/haproxy/haproxy.cfg', program: 'haproxy' },
  rsyslog: { command: 'rsyslogd -N1', program: 'rsyslogd' },
};

/** The default test command of a service (unit name with or without .service), if it has one. */
export function defaultConfigTest(service: string): DefaultConfigTest | undefined {
  return DEFAULT_CONFIG_TESTS[service.replace(/\.service$/, '')];
}

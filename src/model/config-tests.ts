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

/** The default test command of a service (unit name with or without .service), if it has one. */
export function defaultConfigTest(service: string): DefaultConfigTest | undefined {
  return DEFAULT_CONFIG_TESTS[service.replace(/\.service$/, '')];
}

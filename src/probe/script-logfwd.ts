// The logfwd section of the probe: where rsyslog forwards logs (its omfwd and @@host:port lines)
// and the state of the TCP connections to syslog ports (514, 601, 6514, 10514), with their process
// where ss can tell it (root): hosts sharing one network namespace see each other's sockets, so the
// parser counts only rows naming a process when the probe runs as root.

import { REMOTE_LOG_DIR } from '../util/log-senders.js';

/** The logsenders section: last write of each sender's file on a log host (one stat exec). */
export function logsendersScript(): string {
  return `section logsenders
if [ -d ${REMOTE_LOG_DIR} ] && have stat; then
  set +f
  o=$(stat -c '%Y %n' -- ${REMOTE_LOG_DIR}/*.log </dev/null 2>/dev/null | head -n 500)
  set -f
  [ -z "$o" ] || put "$o"
fi
`;
}

export const SYSLOG_TCP_PORTS = [514, 601, 6514, 10514];

export function logfwdScript(): string {
  const filter = SYSLOG_TCP_PORTS.map((p) => `dport = :${p}`).join(' or ');
  return `section logfwd
if [ -r /etc/rsyslog.conf ] || [ -d /etc/rsyslog.d ]; then
  set +f
  o=$(grep -hsE '^[^#]*(omfwd|@@)' /etc/rsyslog.conf /etc/rsyslog.d/*.conf </dev/null 2>/dev/null | head -n 20)
  set -f
  if [ -n "$o" ]; then
    printf 'uid=%s\\n' "$(id -u 2>/dev/null)"
    IFS=$NL
    for l in $o; do put "conf $l"; done
    unset IFS
    if have ss; then
      o=$(ss -Htanp '( ${filter} )' </dev/null 2>/dev/null | head -n 200)
      IFS=$NL
      for l in $o; do put "conn $l"; done
      unset IFS
    else warn 'logfwd: ss missing: forwarding connections not checked'
    fi
  fi
fi
`;
}

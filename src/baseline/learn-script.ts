import { REMOTE_LOG_DIR } from '../util/log-senders.js';

/** Most running units and listening sockets an accept records (a host may list thousands: a lie or a mess). */
export const MAX_LEARNED_UNITS = 200;
export const MAX_LEARNED_SOCKETS = 32;
/** Most log files learned (open for writing by running services, under /var/log). */
export const MAX_LEARNED_LOGS = 64;
/** Most databases and tables per database learned from a local MariaDB/MySQL. */
export const MAX_LEARNED_DATABASES = 20;
export const MAX_LEARNED_TABLES = 1000;
export const MAX_LEARNED_SENDERS = 500;
/** A sender counts as sending at accept when its file was written this recently before it. */
export const SENDING_AT_ACCEPT_SEC = 3600;
/** Schemas of the server itself, never learned. */
export const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];
/** Seconds the accept waits for a HEAD / answer when it tells HTTP ports from the others. */
export const LEARN_HTTP_TIMEOUT_SEC = 3;

/**
 * The part of the accept's capture script that learns what the host runs by itself, between
 * `@@L` and `@@LE` (read-only):
 * - `U <systemctl show line>`: Id, Transient, UnitFileState of every running service unit;
 * - `S <proto> <local address:port> <process>` per listening TCP socket of `ss -ltnpH` with a process,
 *   `proto` http when a HEAD / to it answered HTTP within the deadline, tcp otherwise;
 * - `C <pid> <cgroup path>` for each listening process, to tell its unit;
 * - `F <unit> <path>` for each file under /var/log a process of a running service holds open,
 *   then `G <mode> <owner> <group> <path>` (its stat, regular files only);
 * - `D <schema>` for every non-system schema of a local MariaDB/MySQL that runs, and
 *   `T <schema>\t<table>` for each of its tables;
 * - `X <note>` when something could not be learned.
 * Unit names and addresses are checked by the parser again (learn-parse.ts): the host may lie.
 */
export function learnScript(): string {
  return `echo "@@L"
set -f
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  set --
  for u in $(systemctl list-units --type=service --state=running --plain --no-legend --no-pager 2>/dev/null | cut -d' ' -f1); do
    case $u in -*|*[!A-Za-z0-9:_.@\\\\-]*) continue ;; *.service) set -- "$@" "$u" ;; esac
    [ $# -lt ${MAX_LEARNED_UNITS} ] || break
  done
  [ $# -eq 0 ] || systemctl show --no-pager -p Id,Transient,UnitFileState -- "$@" 2>/dev/null | sed 's/^/U /'
else
  echo "X systemd is not running: running units not learned"
fi
proto() {
  command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 || { echo tcp; return; }
  l=$(timeout ${LEARN_HTTP_TIMEOUT_SEC} bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "HEAD / HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n" "$0" >&3 && IFS= read -r l <&3 && printf "%s" "$l"' "$1" "$2" </dev/null 2>/dev/null)
  case $l in HTTP/*) echo http ;; *) echo tcp ;; esac
}
if command -v ss >/dev/null 2>&1; then
  n=0
  # Each socket's HEAD test runs in the background (one printf per line, so lines never mix).
  ss -ltnpH 2>/dev/null | { while read -r st rq sq local peer proc; do
    [ -n "$proc" ] || continue
    n=$((n + 1)); [ $n -le ${MAX_LEARNED_SOCKETS} ] || break
    a=\${local%:*}; p=\${local##*:}
    case $p in ''|*[!0-9]*) continue ;; esac
    a=\${a#[}; a=\${a%]}; a=\${a%%%*}
    case $a in '*'|0.0.0.0) a=127.0.0.1 ;; ::) a=::1 ;; esac
    case $a in *[!0-9A-Fa-f.:]*|'') continue ;; esac
    printf 'S %s %s %s\\n' "$(proto "$a" "$p")" "$local" "$proc" &
  done; wait; }
  for pid in $(ss -ltnpH 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | head -n ${MAX_LEARNED_UNITS}); do
    while IFS= read -r l; do
      case $l in *.service*) printf 'C %s %s\\n' "$pid" "\${l#*:*:}" ;; esac
    done < "/proc/$pid/cgroup"
  done 2>/dev/null
else
  echo "X ss is missing: listening sockets not learned"
fi
set +f
# Log files: what the processes of running services hold open under /var/log (one ls per process).
logs=''
for d in /proc/[0-9]*; do
  u=''
  while IFS= read -r l; do case $l in *.service) u=\${l##*/} ;; *.service/*) u=\${l%%.service/*}.service; u=\${u##*/} ;; esac; done < "$d/cgroup" 2>/dev/null
  [ -n "$u" ] || continue
  ls -l "$d/fd/" 2>/dev/null | while IFS= read -r l; do
    case $l in *' -> /var/log/'*' (deleted)') ;; *' -> /var/log/'*) printf 'F %s %s\n' "$u" "\${l#* -> }" ;; esac
  done
done | sort -u | head -n ${MAX_LEARNED_LOGS} | while IFS= read -r l; do
  printf '%s\n' "$l"
  p=\${l#F * }
  [ -f "$p" ] && [ ! -L "$p" ] && stat -c 'G %a %U %G %n' -- "$p" 2>/dev/null
done
# A log host's senders: the last write of each per-sender file, and the host's clock to compare with.
if [ -d ${REMOTE_LOG_DIR} ]; then
  echo "N $(date +%s)"
  stat -c 'R %Y %n' -- ${REMOTE_LOG_DIR}/*.log </dev/null 2>/dev/null | head -n ${MAX_LEARNED_SENDERS}
fi
# Databases of a local MariaDB/MySQL that runs, over its socket (root may log in there).
if command -v mysql >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 && { systemctl is-active --quiet mariadb 2>/dev/null || systemctl is-active --quiet mysql 2>/dev/null; }; then
  q="SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (${SYSTEM_SCHEMAS.map((x) => `'${x}'`).join(',')}) ORDER BY 1"
  timeout 20 mysql --connect-timeout=5 -N -B -e "$q" </dev/null 2>/dev/null | head -n ${MAX_LEARNED_DATABASES} | sed 's/^/D /'
  q="SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN (${SYSTEM_SCHEMAS.map((x) => `'${x}'`).join(',')}) ORDER BY 1, 2"
  timeout 20 mysql --connect-timeout=5 -N -B -e "$q" </dev/null 2>/dev/null | head -n ${MAX_LEARNED_DATABASES * MAX_LEARNED_TABLES} | sed 's/^/T /'
fi
echo "@@LE"
`;
}

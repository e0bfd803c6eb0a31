import { fsStateScript } from '../util/fsstate-script.js';
import { PKGVERIFY_FUNCTION } from '../util/pkgverify-script.js';
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
 * - `W ss` or `W proc`: where the sockets came from; without ss, `Q <hex address:port> <inode> <proto>`
 *   per listening socket of /proc/net/tcp{,6} and `I <inode> <pid>` per process holding one;
 * - `M`, `V`, `P` lines of pkgverify (pkgverify-script.ts): conffiles that differ from their package;
 * - `D <schema>` for every non-system schema of a local MariaDB/MySQL that runs, and
 *   `T <schema>\t<table>` for each of its tables;
 * - `X <note>` when something could not be learned;
 * - the `fs…` lines of the probe's fsstate section (src/util/fsstate-script.ts), without the kernel log.
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
  echo "W ss"
elif [ -r /proc/net/tcp ] || [ -r /proc/net/tcp6 ]; then
  # No ss: the listening sockets from /proc/net/tcp{,6} (state 0A), their owners from the socket
  # inodes in /proc/PID/fd, each owner's unit from its cgroup (the parser decodes the addresses).
  echo "W proc"
  set +f
  # Socket inodes held by the processes we can see, "inode pid" per line; the tables of a shared
  # network namespace also list sockets of processes that are not ours.
  IS=$(for d in /proc/[0-9]*; do
    ls -l "$d/fd/" 2>/dev/null | while IFS= read -r l; do
      case $l in *' -> socket:['*']') i=\${l##*socket:[}; printf '%s %s\\n' "\${i%]}" "\${d#/proc/}" ;; esac
    done
  done)
  NL='
'
  LI=' '; n=0
  for t in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$t" ] || continue
    while read -r sl local rem st rest; do
      [ "$st" = 0A ] || continue
      set -- $rest; i=$6
      case $i in ''|0|*[!0-9]*) continue ;; esac
      case $NL$IS in *"$NL$i "*) ;; *) continue ;; esac
      n=$((n + 1)); [ $n -le ${MAX_LEARNED_SOCKETS} ] || break
      LI="$LI$i "
      h=\${local%:*}; p=$((0x\${local#*:}))
      case $h in
        ????????) r=\${h#??}; a1=\${h%??????}; a2=\${r%????}; r=\${r#??}; a3=\${r%??}; a4=\${r#??}
          a=$((0x$a4)).$((0x$a3)).$((0x$a2)).$((0x$a1)); [ "$a" = 0.0.0.0 ] && a=127.0.0.1 ;;
        00000000000000000000000000000000|00000000000000000000000001000000) a=::1 ;;
        *) a='' ;;
      esac
      if [ -n "$a" ]; then printf 'Q %s %s %s\\n' "$local" "$i" "$(proto "$a" "$p")" &
      else printf 'Q %s %s tcp\\n' "$local" "$i"; fi
    done < "$t"
  done
  wait
  printf '%s\\n' "$IS" | while read -r i pid; do
    case $LI in *" $i "*) ;; *) continue ;; esac
    printf 'I %s %s\\n' "$i" "$pid"
    while IFS= read -r c; do
      case $c in *.service*) printf 'C %s %s\\n' "$pid" "\${c#*:*:}" ;; esac
    done < "/proc/$pid/cgroup"
  done 2>/dev/null
  set -f
else
  echo "X neither ss nor /proc/net/tcp: listening sockets not learned"
fi
# Package config files that already differ from their package: the known-good set (M, V, P lines).
${PKGVERIFY_FUNCTION}
pkgverify
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
# ext2/3/4 filesystems mounted now: their error counters and superblock state (fs... lines).
${fsStateScript({ kernelLog: false })}
echo "@@LE"
`;
}

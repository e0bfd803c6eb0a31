import { NO_CHECKS, type HostChecks } from '../model/index.js';
import { isSafeServiceName, shQuote } from '../util/shell-quote.js';
import { checksScript, LAST5_FUNCTION } from './script-checks.js';

/** Marker that opens every section of the probe output: `@@remlite <section>`. */
export const MARKER = '@@remlite';

/** Sections in the order the script prints them; `end` is always last. */
export const SECTIONS = [
  'meta',
  'uptime',
  'loadavg',
  'meminfo',
  'mounts',
  'df',
  'dfi',
  'expected',
  'systemd',
  'sysv',
  'files',
  'configtests',
  'modules',
  'databases',
  'fserrors',
  'warnings',
  'end',
] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Properties asked of `systemctl show`, in one call for every unit. */
export const SYSTEMD_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'NRestarts',
  'MainPID',
  'StateChangeTimestampMonotonic',
  'Description',
];

/** Filesystem types that never hold data worth watching. Shared with the parser. */
export const PSEUDO_FS_TYPES = [
  'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs', 'mqueue', 'debugfs', 'tracefs',
  'securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc',
  'nsfs', 'rpc_pipefs', 'efivarfs', 'selinuxfs', 'nfsd',
];

const UNIT_SUFFIXES = ['service', 'socket', 'target', 'timer', 'mount', 'automount', 'swap', 'path', 'slice', 'scope', 'device'];

/** systemd unit name for an expected service: `.service` is appended when it has no unit suffix. */
export function unitNameFor(service: string): string {
  const dot = service.lastIndexOf('.');
  if (dot > 0 && UNIT_SUFFIXES.includes(service.slice(dot + 1))) return service;
  return service + '.service';
}

/**
 * Builds the one POSIX sh script a poll runs (dash, busybox ash and bash as sh all accept it).
 * Unsafe service names are dropped; the rest reach the script only through shQuote.
 * Every line a command prints that starts with "@@" is prefixed with "!" (see guard), so only the
 * script itself can print a section marker.
 * Declared checks add the files, configtests, modules and databases sections (see script-checks.ts).
 */
export function buildProbeScript(services: string[], checks: HostChecks = NO_CHECKS): string {
  const extra = checksScript(checks);
  const safe = [...new Set(services.filter(isSafeServiceName))];
  const dropped = services.length - services.filter(isSafeServiceName).length;
  const names = safe.map(shQuote).join(' ');
  const units = safe.map((s) => shQuote(unitNameFor(s))).join(' ');
  const fsCase = PSEUDO_FS_TYPES.join('|');
  const m = MARKER;

  return `# remlite probe: read-only, one exec per poll
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:$PATH}
LC_ALL=C
export PATH LC_ALL
set -f
cd / 2>/dev/null
W=''
warn() { W="$W$*
"; }
have() { command -v "$1" >/dev/null 2>&1; }
guard() {
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in @@*) printf '!%s\\n' "$l" ;; *) printf '%s\\n' "$l" ;; esac
  done
}
section() { printf '${m} %s\\n' "$1"; }
${LAST5_FUNCTION}
${dropped > 0 ? `warn 'dropped ${dropped} service name(s) that are not valid unit names'\n` : ''}\
${extra.dropped > 0 ? `warn 'dropped ${extra.dropped} declared path(s) or name(s) that are not safe to probe'\n` : ''}
section meta
# One uname for both names, CPUs from /sys without a command: every exec counts when 200 hosts run this at once.
u=$(uname -n -r 2>/dev/null) || u=''
h=\${u%% *}
k=''
case $u in *' '*) k=\${u#* } ;; esac
[ -n "$h" ] || h=$(cat /proc/sys/kernel/hostname 2>/dev/null) || h=''
[ -n "$h" ] || warn 'hostname unavailable'
printf 'hostname=%s\\n' "$h" | guard
e=$(date +%s 2>/dev/null) || { e=''; warn 'date +%s failed'; }
printf 'epoch=%s\\n' "$e"
printf 'kernel=%s\\n' "$k" | guard
c=''
if read -r on </sys/devices/system/cpu/online 2>/dev/null && [ -n "$on" ]; then
  c=0
  o=$IFS; IFS=,; set -- $on; IFS=$o
  for r in "$@"; do
    case $r in
      *[!0-9-]*|'') c=''; break ;;
      *-*) c=$((c + \${r#*-} - \${r%-*} + 1)) ;;
      *) c=$((c + 1)) ;;
    esac
  done
  [ "$c" = 0 ] && c=''
fi
[ -n "$c" ] || { have getconf && c=$(getconf _NPROCESSORS_ONLN 2>/dev/null); }
[ -n "$c" ] || { have nproc && c=$(nproc 2>/dev/null); }
[ -n "$c" ] || c=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)
[ -n "$c" ] || warn 'cpu count unavailable'
printf 'cpus=%s\\n' "$c"
if [ -d /run/systemd/system ] && have systemctl; then init=systemd
elif [ -d /run/systemd/system ]; then init=unknown; warn 'systemd is running but systemctl is missing: services not checked'
elif [ -d /etc/init.d ] || have service; then init=sysvinit
else init=unknown; warn 'no init system recognised: services not checked'
fi
printf 'init=%s\\n' "$init"

section uptime
if [ -r /proc/uptime ]; then guard </proc/uptime; else warn '/proc/uptime unreadable'; fi
section loadavg
if [ -r /proc/loadavg ]; then guard </proc/loadavg; else warn '/proc/loadavg unreadable'; fi
section meminfo
if [ -r /proc/meminfo ]; then
  while IFS= read -r l; do
    case $l in MemTotal:*|MemFree:*|MemAvailable:*|Buffers:*|Cached:*|SwapTotal:*|SwapFree:*) printf '%s\\n' "$l" ;; esac
  done </proc/meminfo
else warn '/proc/meminfo unreadable'
fi

section mounts
if [ -r /proc/mounts ]; then
  while read -r dev mnt fstype opts rest; do
    case $fstype in ${fsCase}) continue ;; esac
    case $mnt in /dev|/dev/*|/sys|/sys/*|/proc|/proc/*|/run/*) continue ;; esac
    printf '%s %s %s %s\\n' "$dev" "$mnt" "$fstype" "\${opts%%,*}"
  done </proc/mounts | guard
else warn '/proc/mounts unreadable: filesystem types and ro/rw unknown'
fi

section df
if have df; then
  o=$(df -P -k 2>/dev/null); r=$?
  [ -n "$o" ] && printf '%s\\n' "$o" | guard
  [ -n "$o" ] || warn "df -P -k printed nothing (exit $r)"
else warn 'df missing: filesystem usage not reported'
fi
section dfi
if have df; then
  o=$(df -P -i 2>/dev/null); r=$?
  [ -n "$o" ] && printf '%s\\n' "$o" | guard
  [ -n "$o" ] || warn "df -P -i unsupported (exit $r): inode usage not reported"
fi

section expected
for s in ${names}; do printf '%s\\n' "$s"; done

section systemd
if [ "$init" = systemd ]; then
  set -- ${units}
  expected=$#
  unitlist() {
    systemctl list-units --type=service --state="$1" --plain --no-legend --no-pager </dev/null 2>/dev/null |
    while read -r a b rest; do
      case $a in *.service) u=$a ;; *) u=$b ;; esac
      case $u in -*|''|*[!A-Za-z0-9:_.@\\\\-]*) ;; *.service) printf '%s\\n' "$u" ;; esac
    done
  }
  for u in $(unitlist failed); do set -- "$@" "$u"; done
  if [ "$expected" -eq 0 ]; then
    for u in $(unitlist running); do set -- "$@" "$u"; done
  fi
  if [ $# -gt 0 ]; then
    o=$(systemctl show --no-pager -p ${SYSTEMD_PROPERTIES.join(',')} -- "$@" </dev/null 2>/dev/null); r=$?
    [ "$r" -eq 0 ] || warn "systemctl show failed (exit $r)"
    printf '%s\\n' "$o" | guard
  fi
fi

section sysv
if [ "$init" = sysvinit ]; then
  for s in ${names}; do
    if [ -x "/etc/init.d/$s" ]; then "/etc/init.d/$s" status </dev/null >/dev/null 2>&1; r=$?
    elif [ ! -d /etc/init.d ] && have service; then service "$s" status </dev/null >/dev/null 2>&1; r=$?
    else r=missing
    fi
    printf '%s %s\\n' "$s" "$r"
  done
fi

${extra.text}
section warnings
printf '%s' "$W" | guard
section end
`;
}

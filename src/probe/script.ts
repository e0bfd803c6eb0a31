import { NO_CHECKS, type HostChecks, type LearnedState } from '../model/index.js';
import { isSafeServiceName, shQuote } from '../util/shell-quote.js';
import { checksScript, LAST5_FUNCTION } from './script-checks.js';
import { plannedReach, reachScript } from './script-reach.js';
import { DF_EXCLUDE_NETWORK, NETWORK_FS_CASE, netmountsScript } from './script-netmounts.js';
import { mailqueueScript } from './script-mailqueue.js';
import { logfwdScript, logsendersScript } from './script-logfwd.js';
import { fsStateScript } from '../util/fsstate-script.js';
import { MOUNT_FIELDS_SCRIPT, MOUNT_TABLE_AND_STAT_SCRIPT } from '../util/mount-table-script.js';
import { HOST_CLOCK_SCRIPT } from './script-clock.js';
import { DEFAULT_HEAVY_INTERVAL_SEC, heavyScript, PRIVATE_DIR_SCRIPT } from './script-heavy.js';

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
  'dfboth',
  'netmounts',
  'mailqueue',
  'logfwd',
  'logsenders',
  'expected',
  'systemd',
  'sysv',
  'files',
  'configtests',
  'modules',
  'databases',
  'reach',
  'fserrors',
  'fsstate',
  'heavy',
  'warnings',
  'end',
] as const;
export type SectionName = (typeof SECTIONS)[number];

/** GNU df columns of the dfboth section: space (1K blocks) and inodes of every filesystem in one exec. */
export const DF_BOTH_COLUMNS = 'source,size,used,avail,itotal,iused,target';

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

/** Learned unit names (checked when the baseline was loaded; again here, the script is what runs). */
const LEARNED_UNIT_IN_SCRIPT = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]{0,200}\.service$/;

const UNIT_SUFFIXES = ['service', 'socket', 'target', 'timer', 'mount', 'automount', 'swap', 'path', 'slice', 'scope', 'device'];

/** systemd unit name for an expected service: `.service` is appended when it has no unit suffix. */
export function unitNameFor(service: string): string {
  const dot = service.lastIndexOf('.');
  if (dot > 0 && UNIT_SUFFIXES.includes(service.slice(dot + 1))) return service;
  return service + '.service';
}

/** The heavy checks' cadence (setting heavyCheckIntervalSec) and the accept they belong to. */
export interface ProbeHeavyOptions {
  intervalSec?: number;
  acceptedAt?: string;
}

/**
 * Builds the one POSIX sh script a poll runs (dash, busybox ash and bash as sh all accept it).
 * Unsafe service names are dropped; the rest reach the script only through shQuote.
 * Every line a command prints that starts with "@@" is prefixed with "!" (see guard), so only the
 * script itself can print a section marker.
 * Declared checks add the files, configtests, modules and databases sections (see script-checks.ts).
 */
export function buildProbeScript(services: string[], checks: HostChecks = NO_CHECKS, learned?: LearnedState, heavy: ProbeHeavyOptions = {}): string {
  // Log files learned at accept are stat'ed like declared perm_files.
  const learnedLogs = (learned?.logs ?? []).map((l) => l.path).filter((p) => !checks.permFiles.includes(p));
  // Databases found at accept are queried like declared ones, on the heavy checks' cadence.
  const learnedDbs = (learned?.databases ?? []).filter((n) => !checks.databases.some((d) => d.name === n) && /^[A-Za-z0-9_]{1,64}$/.test(n));
  const extra = checksScript(learnedLogs.length ? { ...checks, permFiles: [...checks.permFiles, ...learnedLogs] } : checks);
  const heavyInterval = heavy.intervalSec ?? DEFAULT_HEAVY_INTERVAL_SEC;
  const heavyText = heavyScript({ intervalSec: heavyInterval, databases: learnedDbs, acceptedAt: heavy.acceptedAt });
  // The superblock and kernel log reads are kept on the same cadence (0: read every poll).
  const fsCache = heavyInterval >= 1 ? { intervalSec: heavyInterval, acceptedAt: heavy.acceptedAt } : undefined;
  // Units running at accept are asked of systemctl show with the expected ones (learned-service-down);
  // their listening sockets and the declared health checks are the reach section.
  const learnedUnits = (learned?.units ?? []).filter((u) => LEARNED_UNIT_IN_SCRIPT.test(u)).slice(0, 200).map(shQuote).join(' ');
  const reach = plannedReach(learned?.sockets ?? [], checks.health ?? []);
  const safe = [...new Set(services.filter(isSafeServiceName))];
  const dropped = services.length - services.filter(isSafeServiceName).length;
  const names = safe.map(shQuote).join(' ');
  const units = safe.map((s) => shQuote(unitNameFor(s))).join(' ');
  const fsCase = PSEUDO_FS_TYPES.join('|');
  const m = MARKER;

  return `# remlite probe: read-only, a few execs per poll
# Cheap by design (200 hosts may run it at once on one machine): shell builtins over commands,
# no pipeline where a variable will do, /proc read directly. Execs: cat (the mount table and /proc/stat),
# one df, systemctl where systemd runs, and the filesystem state's cmp (each ext device) and dmesg.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\${PATH:+:$PATH}
LC_ALL=C
export PATH LC_ALL
set -f
cd / 2>/dev/null
NL='
'
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
# put TEXT: prints TEXT and a newline through guard; text with no "@@" at all cannot hold a marker
# line, so it is printed as is (no pipeline, no fork).
put() { case $1 in *@@*) printf '%s\\n' "$1" | guard ;; *) printf '%s\\n' "$1" ;; esac; }
${LAST5_FUNCTION}
${dropped > 0 ? `warn 'dropped ${dropped} service name(s) that are not valid unit names'\n` : ''}\
${extra.dropped > 0 ? `warn 'dropped ${extra.dropped} declared path(s) or name(s) that are not safe to probe'\n` : ''}\
${reach.dropped > 0 ? `warn 'dropped ${reach.dropped} health check(s) or learned socket(s) that are not safe to probe'\n` : ''}
section meta
# Host name and kernel release from /proc (what uname -n -r prints) without a command; uname if unreadable.
# KREL is kept for the modules section.
h=''; KREL=''
read -r h </proc/sys/kernel/hostname 2>/dev/null
read -r KREL </proc/sys/kernel/osrelease 2>/dev/null
if [ -z "$h" ] || [ -z "$KREL" ]; then
  u=$(uname -n -r 2>/dev/null) || u=''
  [ -n "$h" ] || h=\${u%% *}
  [ -n "$KREL" ] || case $u in *' '*) KREL=\${u#* } ;; esac
fi
[ -n "$h" ] || warn 'hostname unavailable'
put "hostname=$h"
# The mount table and /proc/stat in one cat: MT for the mounts and filesystem sections, btime for the clock.
${MOUNT_TABLE_AND_STAT_SCRIPT}
${HOST_CLOCK_SCRIPT}
printf 'epoch=%s\\n' "$e"
# NOW keeps it for later sections (check helpers reuse e).
NOW=$e
put "kernel=$KREL"
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
# The 7 lines wanted are near the top: stop reading once all are seen (read takes a byte per syscall).
if [ -r /proc/meminfo ]; then
  n=0
  while IFS= read -r l; do
    case $l in
      MemTotal:*|MemFree:*|MemAvailable:*|Buffers:*|Cached:*|SwapTotal:*|SwapFree:*)
        printf '%s\\n' "$l"; n=$((n + 1)); [ "$n" -lt 7 ] || break ;;
    esac
  done </proc/meminfo
else warn '/proc/meminfo unreadable'
fi

section mounts
# NM: network mounts, never given to df (see netmounts); LM: the others, for a df without -x.
# From mountinfo: "ID PARENT MAJ:MIN ROOT MOUNT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS"; read-only
# when the mount or its filesystem is (as /proc/mounts says it).
NM=''; LM=''
if [ -n "$MT" ]; then
  o=''
  IFS=$NL
  for l in $MT; do
    unset IFS
    ${MOUNT_FIELDS_SCRIPT}
    rw=\${mo%%,*}; fstype=$1; dev=$2
    case \${3%%,*} in ro) rw=ro ;; esac
    case $fstype in ${fsCase}) continue ;; esac
    case $mnt in /dev|/dev/*|/sys|/sys/*|/proc|/proc/*|/run/*) continue ;; esac
    o="$o$dev $mnt $fstype $rw$NL"
    case $fstype in
      ${NETWORK_FS_CASE}) NM="$NM$dev $mnt $fstype$NL" ;;
      *) case $mnt in *\\*) ;; *) LM="$LM$mnt$NL" ;; esac ;;
    esac
  done
  unset IFS
  [ -z "$o" ] || put "\${o%"$NL"}"
else warn 'the mount table (/proc/self/mountinfo) is unreadable: filesystem types and ro/rw unknown'
fi

# GNU df gives space and inodes in one call (dfboth); other dfs (busybox) take -P -k and -P -i.
o=''
have df && o=$(df --output=${DF_BOTH_COLUMNS} -k ${DF_EXCLUDE_NETWORK} 2>/dev/null)
if [ -n "$o" ]; then
  section dfboth
  put "$o"
else
  section df
  if have df; then
    # Without -x, name the local mounts so df never calls statfs on a network one.
    if [ -n "$NM" ]; then IFS=$NL; o=$(df -P -k $LM 2>/dev/null); r=$?; unset IFS
    else o=$(df -P -k 2>/dev/null); r=$?; fi
    [ -n "$o" ] && put "$o"
    [ -n "$o" ] || warn "df -P -k printed nothing (exit $r)"
  else warn 'df missing: filesystem usage not reported'
  fi
  section dfi
  if have df; then
    if [ -n "$NM" ]; then IFS=$NL; o=$(df -P -i $LM 2>/dev/null); r=$?; unset IFS
    else o=$(df -P -i 2>/dev/null); r=$?; fi
    [ -n "$o" ] && put "$o"
    [ -n "$o" ] || warn "df -P -i unsupported (exit $r): inode usage not reported"
  fi
fi

${netmountsScript()}
${mailqueueScript()}
${logfwdScript()}
${logsendersScript()}
section expected
for s in ${names}; do printf '%s\\n' "$s"; done

section systemd
if [ "$init" = systemd ]; then
  set -- ${units}
  expected=$#
  ${learnedUnits ? `set -- "$@" ${learnedUnits}` : ':'}
  # One list-units for failed (and, with no expected service, running) units; failed ones go first.
  states=failed
  [ "$expected" -gt 0 ] || states=failed,running
  f=''; g=''
  pick() {
    case $1 in *.service) u=$1; a=$3; b=$4 ;; *) u=$2; a=$4; b=$5 ;; esac
    case $u in
      -*|''|*[!A-Za-z0-9:_.@\\\\-]*) ;;
      *.service) if [ "$a" = failed ] || [ "$b" = failed ]; then f="$f $u"; else g="$g $u"; fi ;;
    esac
  }
  o=$(systemctl list-units --type=service --state="$states" --plain --no-legend --no-pager </dev/null 2>/dev/null)
  IFS=$NL
  for l in $o; do unset IFS; pick $l; done
  unset IFS
  for u in $f $g; do set -- "$@" "$u"; done
  if [ $# -gt 0 ]; then
    o=$(systemctl show --no-pager -p ${SYSTEMD_PROPERTIES.join(',')} -- "$@" </dev/null 2>/dev/null); r=$?
    [ "$r" -eq 0 ] || warn "systemctl show failed (exit $r)"
    put "$o"
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
${reachScript(reach.checks)}
${PRIVATE_DIR_SCRIPT}
section fsstate
${fsStateScript({ kernelLog: true, mountTableRead: true, ...(fsCache ? { cache: fsCache } : {}) })}
${heavyText}
section warnings
[ -z "$W" ] || put "\${W%"$NL"}"
section end
`;
}

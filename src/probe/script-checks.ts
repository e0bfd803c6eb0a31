import type { HostChecks } from '../model/index.js';
import { shQuote } from '../util/shell-quote.js';
import { plannedConfigTests } from './config-tests.js';

/** Seconds a config test or a database query may take before `timeout` kills it. */
export const CHECK_TIMEOUT_SEC = 10;

/** Paths reach the script only when absolute and free of control characters (one output line each). */
function isProbeablePath(p: string): boolean {
  return p.startsWith('/') && !/[\x00-\x1f\x7f]/.test(p);
}

/** Kernel module names as /proc/modules prints them (dashes become underscores). */
export function normalizeModule(name: string): string {
  return name.replace(/-/g, '_');
}

const MODULE_RE = /^[A-Za-z0-9_-]+$/;
const DB_RE = /^[A-Za-z0-9_]+$/;

/** SQL asked of each declared database: does the schema exist, then its tables. Names are [A-Za-z0-9_]+. */
function databaseQuery(name: string): string {
  return (
    `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='${name}'; ` +
    `SELECT table_name FROM information_schema.tables WHERE table_schema='${name}' ORDER BY table_name`
  );
}

export interface ChecksScript {
  text: string;
  /** Declared values refused before reaching the script (bad paths, module or database names). */
  dropped: number;
}

/**
 * The probe sections for declared checks: files, configtests, modules, databases (each only when
 * something is declared) and fserrors (always). Every value is a shQuote'd word; a config test
 * command is operator-declared shell and runs as given through `sh -c`.
 */
export function checksScript(checks: HostChecks): ChecksScript {
  let dropped = 0;
  const keep = <T>(list: readonly T[], ok: (v: T) => boolean): T[] => {
    const good = list.filter(ok);
    dropped += list.length - good.length;
    return [...new Set(good)];
  };
  const hashed = keep([...checks.configs.map((c) => c.path), ...checks.dataPaths], isProbeablePath);
  const statOnly = keep(checks.permFiles, isProbeablePath).filter((p) => !hashed.includes(p));
  const tests = plannedConfigTests(checks.configs);
  const modules = keep(checks.modules, (m) => MODULE_RE.test(m));
  const databases = keep(
    checks.databases.map((d) => d.name),
    (n) => DB_RE.test(n),
  );
  const parts: string[] = [];

  if (hashed.length + statOnly.length > 0) {
    parts.push(`section files
have stat || warn 'stat missing: file modes and owners not reported'
have sha256sum || warn 'sha256sum missing: file checksums not reported'
NL='
'
# netof PATH: true when PATH is on a network mount (NM, from the mounts section); _nt _nm name it.
# Such a path is never stat'ed or read: a call on a hung NFS/FUSE mount cannot be ended.
netof() {
  [ -n "$NM" ] || return 1
  _nt=''; _nm=''
  IFS=$NL
  for _nx in $NM; do
    unset IFS
    _nx=\${_nx#* }
    case $1 in "\${_nx% *}"|"\${_nx% *}"/*) _nt=\${_nx##* }; _nm=\${_nx% *}; break ;; esac
    IFS=$NL
  done
  unset IFS
  [ -n "$_nt" ]
}
fstat() {
  if netof "$1"; then printf 'N %s %s %s\\n' "$_nt" "$_nm" "$1"; return; fi
  if [ -L "$1" ]; then
    st=''
    have stat && st=$(stat -c '%a %U %G %s' -- "$1" 2>/dev/null)
    [ -n "$st" ] || st='- - - -'
    t=''
    have readlink && t=$(readlink -- "$1" 2>/dev/null)
    printf '1 link %s - %s\\n+ target %s\\n' "$st" "$1" "\${t%%"$NL"*}"
    return
  fi
  if [ ! -e "$1" ]; then
    e=''
    have stat && e=$(stat -c %n -- "$1" 2>&1 >/dev/null)
    e=\${e%%"$NL"*}
    case $e in ''|*'No such file'*|*'Not a directory'*) printf '0 - - - - - - %s\\n' "$1" ;;
    *) printf '1 - - - - - - %s\\n+ error %s\\n' "$1" "\${e##*: }" ;;
    esac
    return
  fi
  if [ -f "$1" ]; then k=file; elif [ -d "$1" ]; then k=dir; else k=other; fi
  st=''
  have stat && st=$(stat -L -c '%a %U %G %s' -- "$1" 2>/dev/null)
  [ -n "$st" ] || st='- - - -'
  h=-
  e=''
  if [ "$2" = 1 ] && [ "$k" = file ] && [ -r "$1" ] && have sha256sum; then
    if h=$(sha256sum 2>&1 <"$1"); then h=\${h%% *}; else e=\${h%%"$NL"*}; h=-; fi
    [ -n "$h" ] || h=-
  fi
  printf '1 %s %s %s %s\\n' "$k" "$st" "$h" "$1"
  [ -z "$e" ] || printf '+ error %s\\n' "\${e##*: }"
}
${[...hashed.map((p) => `fstat ${shQuote(p)} 1`), ...statOnly.map((p) => `fstat ${shQuote(p)} 0`)].join('\n')}
`);
  }

  if (tests.length > 0) {
    parts.push(`section configtests
ct() {
  if [ -n "$3" ] && ! have "$3"; then printf 'S %s %s is not installed\\n' "$1" "$3"; return; fi
  if ! have timeout; then printf 'S %s timeout is missing: config test not run\\n' "$1"; return; fi
  if [ -n "$4" ]; then timeout ${CHECK_TIMEOUT_SEC} sh -c "$4" </dev/null >/dev/null 2>&1; fi
  o=$(timeout ${CHECK_TIMEOUT_SEC} sh -c "$2" </dev/null 2>&1); r=$?
  printf 'T %s %s %s\\n' "$r" "$1" "$2"
  printf '%s\\n' "$o" | last5
}
${tests.map((t) => `ct ${shQuote(t.service)} ${shQuote(t.command)} ${shQuote(t.program ?? '')}${t.prepare ? ` ${shQuote(t.prepare)}` : ''}`).join('\n')}
`);
  }

  if (modules.length > 0) {
    parts.push(`section modules
L=''
if [ -r /proc/modules ]; then L=' '; while read -r n rest; do L="$L$n "; done </proc/modules; fi
B="/lib/modules/$KREL/modules.builtin"
mod() {
  if [ -n "$L" ]; then case $L in *" $1 "*) printf 'loaded %s\\n' "$1"; return ;; esac; fi
  if [ -d "/sys/module/$1" ]; then printf 'builtin %s\\n' "$1"; return; fi
  if [ -r "$B" ] && have grep; then
    if grep -q -F -e "/$1.ko" "$B" || grep -q -F -e "/$2.ko" "$B"; then printf 'builtin %s\\n' "$1"; return; fi
    printf 'missing %s\\n' "$1"; return
  fi
  # Without the kernel's list of built-ins, not loaded does not mean missing.
  printf 'unknown %s\\n' "$1"
}
${modules.map((m) => `mod ${shQuote(normalizeModule(m))} ${shQuote(normalizeModule(m).replace(/_/g, '-'))}`).join('\n')}
`);
  }

  if (databases.length > 0) parts.push(`section databases\n${databasesShell(databases)}`);

  parts.push(`section fserrors
set +f
for f in /sys/fs/ext4/*/errors_count; do
  [ -r "$f" ] || continue
  n=''
  read -r n <"$f" 2>/dev/null
  case $n in ''|0) continue ;; esac
  d=\${f%/errors_count}
  printf '%s %s\\n' "\${d##*/}" "$n" | guard
done
set -f
`);
  return { text: parts.join('\n'), dropped };
}

/**
 * Shell text querying each database (names already checked: [A-Za-z0-9_]+): `D ok <db>` and its
 * schema count and tables as "| line"s, or `D error <db>` and the client's last lines. Declared
 * databases are asked every poll; learned ones with the heavy checks (script-heavy.ts).
 */
export function databasesShell(names: readonly string[]): string {
  return `if have mysql; then MY=mysql; elif have mariadb; then MY=mariadb; else MY=''; fi
db() {
  if [ -z "$MY" ]; then printf 'D error %s\\n| mysql client is not installed\\n' "$1"; return; fi
  if have timeout; then o=$(timeout ${CHECK_TIMEOUT_SEC} "$MY" --connect-timeout=5 -N -B -e "$2" </dev/null 2>&1); r=$?
  else o=$("$MY" --connect-timeout=5 -N -B -e "$2" </dev/null 2>&1); r=$?
  fi
  if [ "$r" -eq 0 ]; then
    printf 'D ok %s\\n' "$1"
    printf '%s\\n' "$o" | while IFS= read -r l; do [ -n "$l" ] && printf '| %s\\n' "$l"; done
  else
    printf 'D error %s\\n' "$1"
    printf '%s\\n' "$o" | last5
  fi
}
${names.map((n) => `db ${shQuote(n)} ${shQuote(databaseQuery(n))}`).join('\n')}
`;
}

/** Shell function shared by the check sections: keeps the last 5 non-empty lines, each as "| line". */
export const LAST5_FUNCTION = `last5() {
  a=''; b=''; c=''; d=''; e=''
  while IFS= read -r l || [ -n "$l" ]; do
    [ -n "$l" ] || continue
    a=$b; b=$c; c=$d; d=$e; e=$l
  done
  for l in "$a" "$b" "$c" "$d" "$e"; do [ -n "$l" ] && printf '| %s\\n' "$l"; done
  return 0
}`;

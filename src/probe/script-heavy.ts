// The heavy section of the probe: checks too costly for every poll (package verify, the table lists
// of databases learned at accept) run at most every `heavyCheckIntervalSec`, detached, with their
// result kept on the host. Each poll prints the last finished result (so findings do not flicker
// between runs) and starts a new run when one is due and none is going. The probe never waits for
// a run: a slow `dpkg --verify` costs the poll nothing (no `slow` host, no timeout), and its result
// is read by the next poll after it finished. One run at a time per host and user.
import { createHash } from 'node:crypto';
import { shQuote } from '../util/shell-quote.js';
import { databasesShell } from './script-checks.js';
import { PKGVERIFY_FUNCTION } from '../util/pkgverify-script.js';

/** A run older than this is taken as dead (its pid reused): another may start. */
export const HEAVY_STUCK_SEC = 1800;
export const DEFAULT_HEAVY_INTERVAL_SEC = 300;

/**
 * Shell text: HD, the caller's private state directory /tmp/.remlite-heavy-UID (made 0700 when
 * missing), and HDOK=1 when it is usable: a real directory (never a symlink someone planted), ours
 * and writable. Printed once, before the sections that keep results there (fsstate, heavy).
 */
export const PRIVATE_DIR_SCRIPT = `HU=''
while read -r _k _v _r; do [ "$_k" = Uid: ] && { HU=$_v; break; }; done </proc/self/status 2>/dev/null
HD=/tmp/.remlite-heavy-$HU
HDOK=''
if [ -n "$HU" ]; then
  [ -d "$HD" ] || mkdir -m 700 "$HD" 2>/dev/null
  [ -d "$HD" ] && [ ! -h "$HD" ] && [ -O "$HD" ] && [ -w "$HD" ] && HDOK=1
fi`;

export interface HeavyPlan {
  /** Seconds between two runs; 0 = every poll. */
  intervalSec: number;
  /** Databases learned at accept (names already checked). */
  databases: readonly string[];
  /** Changes when the host is accepted again: a result from before the accept is not reused. */
  acceptedAt?: string;
}

/**
 * Shell text of the heavy section. Expects NOW (the host's epoch), HD and HDOK (PRIVATE_DIR_SCRIPT),
 * the script's helpers (have, put, guard, warn, last5) and LC_ALL=C. Prints `state=fresh|cached|none at=EPOCH running=PID|-`, then the
 * kept result: pkgverify's lines (M, V, P) and the learned databases' blocks (D, |).
 */
export function heavyScript(plan: HeavyPlan): string {
  const job = `${PKGVERIFY_FUNCTION}
heavyjob() {
  pkgverify
${plan.databases.length ? databasesShell(plan.databases) : ''}}`;
  // The key names what was asked: another job (learned databases, a new accept, a new remlite) is not
  // served an old answer.
  const key = createHash('sha256').update(`${job}\n${plan.acceptedAt ?? ''}`).digest('hex').slice(0, 16);
  const interval = Math.max(0, Math.floor(plan.intervalSec));
  return `section heavy
${job}
E=$NOW; case $E in ''|*[!0-9]*) E=0 ;; esac
if [ -n "$HDOK" ]; then
  K=${shQuote(key)}
  lk=''; la=''
  [ -f "$HD/last" ] && read -r lk la 2>/dev/null <"$HD/last"
  case $la in ''|*[!0-9]*) lk='' ;; esac
  run=''; busy=''
  if [ "$lk" != "$K" ] || [ $((E - la)) -ge ${interval} ]; then
    rp=''; rs=''
    [ -f "$HD/run" ] && read -r rp rs 2>/dev/null <"$HD/run"
    case $rp$rs in ''|*[!0-9]*) rp='' ;; esac
    if [ -n "$rp" ] && [ -d "/proc/$rp" ] && [ $((E - rs)) -lt ${HEAVY_STUCK_SEC} ]; then busy=$rp
    else
      ( { printf '%s %s\\n' "$K" "$E"; heavyjob; } >"$HD/new" 2>/dev/null && mv -f "$HD/new" "$HD/last"; rm -f "$HD/run" ) </dev/null >/dev/null 2>&1 &
      run=$!
      printf '%s %s\\n' "$run" "$E" >"$HD/run"
    fi
  fi
  [ -n "$run" ] || run=$busy
  lk=''; la=''
  [ -f "$HD/last" ] && read -r lk la 2>/dev/null <"$HD/last"
  if [ "$lk" = "$K" ]; then
    st=cached; [ "$la" = "$E" ] && st=fresh
    printf 'state=%s at=%s running=%s\\n' "$st" "$la" "\${run:--}"
    { read -r _; guard; } <"$HD/last"
  else
    printf 'state=none at=- running=%s\\n' "\${run:--}"
  fi
else
  warn "heavy checks: state directory $HD unusable: package verify and learned database tables not run"
fi
`;
}

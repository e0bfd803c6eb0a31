// The netmounts section of the probe: network filesystems (NFS, CIFS, sshfs and other FUSE network
// filesystems) are checked with a detached `stat -f`, never in the probe's own path. A call on a hung
// NFS or FUSE mount sleeps uninterruptibly until the server answers; timeout(1) cannot end it (the
// signal waits for the syscall). So each check runs in the background with its output in a file in a
// private state directory, the probe reads what finished by a short deadline, and a check still
// blocked from an earlier poll is reported (and left alone) instead of starting another one: at most
// one stuck process per mount, whatever the poll rate (two for a while when two consoles poll a host
// at once: a check begun within the deadline is another probe's, running, not a blocked one).
import { NETWORK_FS_TYPES } from '../util/network-fs.js';

export { NETWORK_FS_TYPES };

/** How long the probe waits for the detached checks, in tenths of a second. */
export const NETMOUNT_DEADLINE_TENTHS = 20;

/** The deadline in whole seconds, rounded up: a check begun longer ago than this is blocked. */
const DEADLINE_SECONDS = Math.ceil(NETMOUNT_DEADLINE_TENTHS / 10);

/** `case` pattern matching a network filesystem type. */
export const NETWORK_FS_CASE = NETWORK_FS_TYPES.join('|');

/** GNU df arguments that keep df from calling statfs on network mounts (df skips excluded types unstatted). */
export const DF_EXCLUDE_NETWORK = NETWORK_FS_TYPES.map((t) => `-x ${t}`).join(' ');

/**
 * Shell text of the netmounts section. Expects NM (lines "device mount type", /proc/mounts escapes
 * kept, so no field holds a space), e (the host's epoch) and the script's put/warn/section helpers.
 * Prints one line per network mount: `STATE TYPE DEVICE MOUNT DETAIL`, where STATE is
 *   ok        DETAIL = "blocks free avail blocksize" from stat -f
 *   stale     the call failed at once (DETAIL = err=first line of the error, e.g. ENOTCONN)
 *   hung      the call did not return by the deadline (DETAIL = since=EPOCH the blocked call began)
 *   unchecked not checked (DETAIL = why)
 *   missing   listed in /etc/fstab (without noauto) but not mounted
 */
export function netmountsScript(): string {
  return `section netmounts
ND=''
if [ -n "$NM" ]; then
  ND=/tmp/.remlite-netmounts-$(id -u 2>/dev/null)
  mkdir -m 700 "$ND" 2>/dev/null
  # Our own private directory, never a symlink someone planted.
  if [ -d "$ND" ] && [ ! -h "$ND" ] && [ -O "$ND" ] && [ -w "$ND" ]; then :; else
    warn "netmounts: state directory $ND unusable: network mounts not checked"; ND=''
  fi
fi
if [ -n "$ND" ]; then
  P=''; i=0
  IFS=$NL
  for l in $NM; do
    unset IFS
    set -- $l
    dev=$1; mnt=$2; t=$3; i=$((i + 1))
    case $mnt in *\\\\*) put "unchecked $t $dev $mnt reason=escaped-path"; IFS=$NL; continue ;; esac
    # A check still blocked since an earlier poll: report it, start no other.
    old=''; since=''
    set +f
    for f in "$ND"/*.mnt; do
      [ -f "$f" ] || continue
      om=''; ot=''; read -r om ot 2>/dev/null <"$f"
      [ "$om" = "$mnt" ] || continue
      p=\${f##*/}; p=\${p%.mnt}
      case $p in ''|*[!0-9]*) rm -f "$f"; continue ;; esac
      c=''; read -r c 2>/dev/null </proc/$p/comm
      if [ "$c" != stat ]; then rm -f "$f" "$ND/$ot.out"; continue; fi
      s0=\${ot%%-*}; case $s0 in ''|*[!0-9]*) s0=0 ;; esac
      # Begun within the deadline: another probe's check, running now (two consoles polling this
      # host), not a blocked one. Left to that probe; this one checks for itself.
      if [ -n "$e" ] && [ $((e - s0)) -le ${DEADLINE_SECONDS} ]; then continue; fi
      if [ -z "$old" ]; then old=$p; since=$s0; else rm -f "$f" "$ND/$ot.out"; fi
    done
    set -f
    if [ -n "$old" ]; then
      put "hung $t $dev $mnt since=$since"
    else
      tok=$e-$i
      ( exec stat -f -c '%b %f %a %S' -- "$mnt" ) >"$ND/$tok.out" 2>&1 </dev/null &
      p=$!
      printf '%s %s\\n' "$mnt" "$tok" >"$ND/$p.mnt"
      P="$P$p $tok $t $dev $mnt$NL"
    fi
    IFS=$NL
  done
  unset IFS
  # Wait for the checks by the deadline; a finished child is a zombie (state Z) until reaped.
  k=0
  while [ -n "$P" ] && [ "$k" -lt ${NETMOUNT_DEADLINE_TENTHS} ]; do
    busy=''
    IFS=$NL
    for x in $P; do
      unset IFS
      p=\${x%% *}; s=''
      read -r _ _ s _ 2>/dev/null </proc/$p/stat
      case $s in ''|Z) ;; *) busy=1; break ;; esac
    done
    unset IFS
    [ -n "$busy" ] || break
    sleep 0.1 2>/dev/null || sleep 1
    k=$((k + 1))
  done
  IFS=$NL
  for x in $P; do
    unset IFS
    set -- $x
    p=$1; tok=$2; t=$3; dev=$4; mnt=$5
    s=''; read -r _ _ s _ 2>/dev/null </proc/$p/stat
    case $s in
      ''|Z)
        wait "$p"; rc=$?
        o=''; read -r o 2>/dev/null <"$ND/$tok.out"
        rm -f "$ND/$p.mnt" "$ND/$tok.out"
        if [ "$rc" -eq 0 ]; then put "ok $t $dev $mnt $o"; else put "stale $t $dev $mnt err=$o"; fi ;;
      *) put "hung $t $dev $mnt since=$e" ;;
    esac
  done
  unset IFS
fi
if [ -r /etc/fstab ]; then
  while read -r dev mnt t opts rest; do
    case $dev in ''|'#'*) continue ;; esac
    case $t in ${NETWORK_FS_CASE}) ;; *) continue ;; esac
    case ,$opts, in *,noauto,*) continue ;; esac
    case $NL$NM in *" $mnt "*) continue ;; esac
    put "missing $t $dev $mnt"
  done </etc/fstab
fi
`;
}

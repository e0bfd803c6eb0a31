// The fsstate section of the probe (and of the accept's capture): every ext2/3/4 filesystem mounted
// in the host's own mount namespace, with
// - its kernel device name (from the mount's major:minor, /sys/dev/block/M:N/uevent), so a device
//   node made under another name (/dev/mapper/..., a mknod'ed node) still meets /sys/fs/ext4 and the
//   kernel log, and ext4 counters of filesystems mounted elsewhere on the same kernel are left out;
// - /sys/fs/ext4/DEV/errors_count and the first/last error records (read every poll: builtins only);
// - `dumpe2fs -h` of the device: the on-disk superblock, so random data over it is seen at the next
//   poll and not only when the kernel next reads that metadata;
// - the kernel log lines naming those devices (dmesg, else journalctl -k), the newest few only.
// Every line printed starts with a fixed word, so nothing a host writes can pose as a marker, and
// device names are checked before they reach a command.
//
// The probe keeps the two costly reads on the host (`cache`) and does them again only when something
// says their answer may have changed (see fsStateCacheScript): they cost tens of ms per poll where
// everything else costs a few.
import { createHash } from 'node:crypto';
import { MOUNT_FIELDS_SCRIPT, MOUNT_TABLE_SCRIPT } from './mount-table-script.js';

/** Most ext2/3/4 filesystems checked per poll. */
export const FSSTATE_MAX_DEVICES = 16;
/** Most kernel log lines kept per poll (the newest naming the devices). */
export const KERNEL_LOG_MAX_LINES = 200;
/** Most lines journalctl -k reads when dmesg cannot be used. */
export const JOURNAL_KERNEL_MAX_LINES = 5000;
/** Seconds dumpe2fs may take per device. */
export const DUMPE2FS_TIMEOUT_SEC = 5;
/** Bytes of the kernel log's tail `dmesg -S -s` reads to see whether a record came (util-linux's least). */
export const KERNEL_LOG_TAIL_BYTES = 4096;
/** Kept kernel log lines printed by the shell's own `read` (one syscall a byte); more go through one `cat`. */
const KEPT_LINES_READ_MAX = 8;

const SYSFS_ATTRS = ['errors_count', 'first_error_time', 'first_error_func', 'first_error_line', 'last_error_time', 'last_error_func', 'last_error_line'];

/** How the probe keeps the superblock and kernel log reads between polls. */
export interface FsStateCache {
  /** The longest a kept read is reused, in seconds (the heavy checks' interval); at least 1. */
  intervalSec: number;
  /** Changes when the host is accepted again: nothing read before the accept is reused. */
  acceptedAt?: string;
}

/**
 * Shell text printing, per filesystem:
 *   fsdev KNAME FSTYPE MOUNT SOURCE    (mount and source with the mount table's \ooo escapes)
 *   fscnt ATTR VALUE                   (each readable /sys/fs/ext4/KNAME attribute)
 *   fsread sb fresh|cached EPOCH       (with `cache`: whether the lines below were read now or kept, and when read)
 *   fssb LINE                          ("Filesystem state: ..." and "FS Error count: ..." of dumpe2fs -h)
 *   fserr LINE                         (dumpe2fs's complaint: "Bad magic number in super-block ...")
 *   fsexit CODE                        (dumpe2fs's exit code when not 0)
 *   fsunchecked WHY                    (the superblock was not read)
 * then, with `kernelLog`, (with `cache`: `fsread klog fresh|cached EPOCH`) `fsklogsrc dmesg|journalctl`
 * and `fsk LINE` per kernel log line naming a device (at most KERNEL_LOG_MAX_LINES, the newest), or
 * `fsklog! WHY`. Self-contained POSIX sh; with `cache` it expects NOW (the host's epoch) and HD/HDOK
 * (the private state directory, see PRIVATE_DIR_SCRIPT in src/probe/script-heavy.ts); with
 * `mountTableRead`, MT already set (the mount table, see MOUNT_TABLE_SCRIPT), else it reads it.
 */
export function fsStateScript(opts: { kernelLog: boolean; cache?: FsStateCache; mountTableRead?: boolean }): string {
  const cache = opts.cache && opts.cache.intervalSec >= 1 ? opts.cache : undefined;
  const body = `${cache ? fsStateCacheScript(Math.floor(cache.intervalSec)) : ''}fsdev() {
  d=/sys/fs/ext4/$1
  fc=''
  if [ -d "$d" ]; then
    for a in ${SYSFS_ATTRS.join(' ')}; do
      v=''
      [ -r "$d/$a" ] && read -r v 2>/dev/null <"$d/$a"
      [ -z "$v" ] || { printf 'fscnt %s %s\\n' "$a" "$v"; fc="$fc $a=$v"; }
    done
  fi
  b=''
  case $2 in /dev/*) case $2 in *[!A-Za-z0-9/_.:+-]*) ;; *) [ -b "$2" ] && b=$2 ;; esac ;; esac
  [ -n "$b" ] || { [ -b "/dev/$1" ] && b=/dev/$1; }
  if [ -z "$b" ]; then printf 'fsunchecked no device node for %s\\n' "$1"; return; fi
  if ! command -v dumpe2fs >/dev/null 2>&1; then printf 'fsunchecked dumpe2fs is not installed (e2fsprogs)\\n'; return; fi
${cache ? `  ff=''
  if [ -n "$FSCD" ]; then
    fsbkept "$HD/fs-$1" "$FSK $FSB $3 $b$fc" "$b" && return
    FSR=1
    [ -h "$HD/fs-$1" ] || [ -h "$HD/fs-$1.sb" ] || [ -h "$HD/fs-$1.$$" ] || ff=$HD/fs-$1
  fi
  if [ -n "$ff" ]; then
    # The kept lines are emptied in place first: a run cut short, or one reading them meanwhile,
    # finds nothing to reuse. The copy is taken before dumpe2fs reads, so a change in between shows
    # at the next compare; the lines come in by rename, whole.
    printf '' 2>/dev/null >"$ff"
    fs=0
    dd if="$b" bs=1024 skip=1 count=1 2>/dev/null >"$ff.sb" && [ -s "$ff.sb" ] && fs=1
  fi
  printf 'fsread sb fresh %s\\n' "$FSE"
` : ''}\
  if command -v timeout >/dev/null 2>&1; then o=$(timeout -k 1 ${DUMPE2FS_TIMEOUT_SEC} dumpe2fs -h "$b" 2>&1 </dev/null); r=$?
  else o=$(dumpe2fs -h "$b" 2>&1 </dev/null); r=$?
  fi
  fp=''; fn=0
  IFS=$FSNL
  for l in $o; do
    case $l in
      'Filesystem state:'*|'FS Error count:'*) fp="\${fp}fssb $l$FSNL"; fn=$((fn + 1)) ;;
      dumpe2fs:*|*superblock*|*super-block*) fp="\${fp}fserr $l$FSNL"; fn=$((fn + 1)) ;;
    esac
  done
  unset IFS
  [ "$r" -eq 0 ] || { fp="\${fp}fsexit $r$FSNL"; fn=$((fn + 1)); }
  printf '%s' "$fp"
${cache ? `  if [ -n "$ff" ]; then
    # A timeout says nothing lasting about the superblock: read again next poll.
    case $r in 124|137) fs=- ;; esac
    printf '%s\\n%s %s %s\\n%s.\\n' "$FSK $FSB $3 $b$fc" "$FSE" "$fs" "$fn" "$fp" 2>/dev/null >"$ff.$$" && mv -f "$ff.$$" "$ff" 2>/dev/null
  fi
` : ''}}
${opts.mountTableRead ? '' : `${MOUNT_TABLE_SCRIPT}
`}if [ -n "$MT" ]; then
  IFS=$FSNL
  for l in $MT; do
    unset IFS
    ${MOUNT_FIELDS_SCRIPT}
    case $1 in ext2|ext3|ext4) ;; *) continue ;; esac
    t=$1; src=$2
    case $mm in *[!0-9:]*|'') continue ;; esac
    k=''
    if [ -r "/sys/dev/block/$mm/uevent" ]; then
      while IFS='=' read -r a v; do [ "$a" = DEVNAME ] && k=$v; done 2>/dev/null <"/sys/dev/block/$mm/uevent"
    fi
    case $k in ''|-*|*[!A-Za-z0-9_.-]*) printf 'fsnote no usable kernel name for %s\\n' "$mnt"; continue ;; esac
    case $FSN in *" $k "*) continue ;; esac
    fsn=$((fsn + 1))
    if [ "$fsn" -gt ${FSSTATE_MAX_DEVICES} ]; then printf 'fsnote more than ${FSSTATE_MAX_DEVICES} ext2/3/4 filesystems: the others are not checked\\n'; break; fi
    FSN="$FSN$k "
    printf 'fsdev %s %s %s %s\\n' "$k" "$t" "$mnt" "$src"
    fsdev "$k" "$src" "$mm"
  done 2>/dev/null
  unset IFS
else
  printf 'fsnote /proc/self/mountinfo unreadable: filesystem state not checked\\n'
fi
${opts.kernelLog ? kernelLogScript(!!cache) : ''}`;
  // The key names what was asked: another script (a new remlite) or a new accept is not served an old answer.
  const key = cache ? createHash('sha256').update(`${body}\n${cache.acceptedAt ?? ''}`).digest('hex').slice(0, 16) : '';
  return `set -f
FSNL='
'
FSN=' '
fsn=0
${cache ? `FSK=${key}\n` : ''}${body}`;
}

/**
 * The reuse rules, as shell functions (expects NOW, HD and HDOK). Nothing is reused
 * across a reboot (boot id), another device set, another accept or another remlite (FSK), nor once
 * older than the interval; kept files are used only when they are regular files of ours, never
 * symlinks, inside the private directory.
 * - Superblock (fsbkept): the 1 KiB superblock as dumpe2fs last read it is kept beside its lines, and
 *   compared with the device's (`cmp`, one exec): every field dumpe2fs -h reports and the parser uses
 *   (magic, state, error count, checksum) is in those bytes, and the kernel keeps them in memory for a
 *   mounted filesystem, so the compare reads no disk. Random data over the superblock, an ext4 error
 *   (the kernel writes its error count and times there) and any counter of /sys/fs/ext4/DEV that
 *   moved (part of the fingerprint) all make dumpe2fs run again in that same poll. A device that
 *   could not be read stays "unchanged" while cmp still cannot read it.
 * - Kernel log (fsklogkept): read again when any superblock was read this poll, else when the source
 *   it came from changed (or dmesg would now answer where it refused): for dmesg the newest record (`dmesg -S -s 4096`, the log's tail in one
 *   syscall; every record carries its own microsecond time); for journalctl any system journal of
 *   this machine written since the last read began (mtime against a file made just before it).
 */
function fsStateCacheScript(intervalSec: number): string {
  return `FSI=${intervalSec}
FSE=$NOW; case $FSE in ''|*[!0-9]*) FSE=0 ;; esac
FSB=''; read -r FSB 2>/dev/null </proc/sys/kernel/random/boot_id
FSC=''; FSCD=''; FSR=''
if [ -n "$HDOK" ] && [ "$FSE" -gt 0 ]; then
  case $FSB in ''|*[!0-9a-f-]*) ;; *) FSC=1 ;; esac
fi
[ -n "$FSC" ] && command -v cmp >/dev/null 2>&1 && command -v dd >/dev/null 2>&1 && FSCD=1
# fsown FILE: a regular file of ours, not a symlink.
fsown() { [ -f "$1" ] && [ ! -h "$1" ] && [ -O "$1" ]; }
# fsage EPOCH: succeeds while a read made at EPOCH may still be reused.
fsage() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ $((FSE - $1)) -ge 0 ] && [ $((FSE - $1)) -lt $FSI ]; }
# fsbkept FILE FINGERPRINT NODE: prints the kept superblock lines when they still hold.
fsbkept() {
  fsown "$1" && fsown "$1.sb" || return 1
  {
    IFS= read -r kf && read -r ka ks kn || return 1
    [ "$kf" = "$2" ] && fsage "$ka" || return 1
    case $kn in ''|*[!0-9]*) return 1 ;; esac
    cmp -s -n 1024 "$3" "$1.sb" 1024 0; kc=$?
    case $ks$kc in 10|02) ;; *) return 1 ;; esac
    kp=''; ki=0
    while [ $ki -lt "$kn" ] && IFS= read -r kl; do kp="$kp$kl$FSNL"; ki=$((ki + 1)); done
    [ $ki -eq "$kn" ] && read -r kl && [ "$kl" = . ] || return 1
  } 2>/dev/null <"$1" || return 1
  printf 'fsread sb cached %s\\n%s' "$ka" "$kp"
}
`;
}

/**
 * The kernel log lines naming a checked device as a whole word (grep -F -w: loop1 is not loop10),
 * the newest KERNEL_LOG_MAX_LINES. dmesg reads the kernel's bounded ring buffer; journalctl -k
 * (when dmesg is refused, e.g. dmesg_restrict for a non-root user) reads at most
 * JOURNAL_KERNEL_MAX_LINES of this boot. The device names were checked above ([A-Za-z0-9_.-]).
 */
function kernelLogScript(cache: boolean): string {
  const keep = `# fsklogtail: the newest kernel log record, as dmesg -S prints it ('' when dmesg cannot say).
# (The last line by a loop: dash matches \${o##*"$FSNL"} again from each offset, 0.8 ms for 4 KB against 0.2.)
fsklogtail() {
  FKT=''; o=$(dmesg -S -s ${KERNEL_LOG_TAIL_BYTES} 2>/dev/null) || return 1
  IFS=$FSNL; for fl in $o; do FKT=$fl; done; unset IFS
}
# fsklogwho: FKW, what decides whether dmesg may read the log (dmesg_restrict, this shell's capabilities):
# lines kept from journalctl, because dmesg was refused, are not served once dmesg would answer.
fsklogwho() {
  FKW=''; read -r FKW 2>/dev/null </proc/sys/kernel/dmesg_restrict
  while read -r _k _v _r; do [ "$_k" = CapEff: ] && { FKW="$FKW $_v"; break; }; done 2>/dev/null </proc/self/status
}
# fsjournalold: succeeds when no system journal of this machine was written since FSKREF was made.
fsjournalold() {
  m=''; read -r m 2>/dev/null </etc/machine-id
  case $m in ''|*[!0-9a-f]*) return 1 ;; esac
  n=''
  for j in /run/log/journal/$m/system.journal /var/log/journal/$m/system.journal; do
    [ -e "$j" ] || continue
    [ "$FSKREF" -nt "$j" ] || return 1
    n=1
  done
  # The mark still the one of the kept read (no other read began meanwhile): its time was the right one.
  kr2=''; read -r kr2 2>/dev/null <"$FSKREF"
  [ -n "$n" ] && [ "$kr2" = "$kr" ]
}
# fsklogkept: prints the kept kernel log lines when nothing says the log changed; FKS is their source.
fsklogkept() {
  FKS=''
  fsown "$FSKF" && fsown "$FSKREF" || return 1
  kr=''; read -r kr 2>/dev/null <"$FSKREF"
  {
    IFS= read -r kf && read -r ka FKS kn kv && IFS= read -r kt || return 1
    [ "$kf" = "$FSK $FSB$FSN" ] && [ "$kv" = "$kr" ] && [ -z "$FSR" ] && fsage "$ka" || return 1
    case $kn in ''|*[!0-9]*) return 1 ;; esac
    case $FKS in
      dmesg) fsklogtail; [ -n "$FKT" ] && [ "$FKT" = "$kt" ] || return 1 ;;
      journalctl) fsklogwho; [ "$FKW" = "$kt" ] && fsjournalold || return 1 ;;
      *) return 1 ;;
    esac
    printf 'fsread klog cached %s\\n' "$ka"
    if [ "$kn" -gt ${KEPT_LINES_READ_MAX} ] && command -v cat >/dev/null 2>&1; then cat
    else while IFS= read -r kl; do printf '%s\\n' "$kl"; done
    fi
  } 2>/dev/null <"$FSKF"
}
`;
  return `${cache ? keep : ''}fsklog() {
  set --
  for k in $FSN; do set -- "$@" -e "$k"; done
  [ $# -gt 0 ] || return 0
  if ! command -v grep >/dev/null 2>&1 || ! command -v tail >/dev/null 2>&1; then printf 'fsklog! grep or tail is missing\\n'; return 0; fi
${cache ? `  FSKF=$HD/fsklog; FSKREF=$HD/fsklog.ref; FKT=''; kv=''
  { [ -h "$FSKREF" ] || [ -h "$FSKF.$$" ]; } && FSC=''
  if [ -n "$FSC" ]; then
    fsklogkept && return 0
    # The newest record before the read (a record coming during it makes the next poll read again),
    # unless dmesg was refused last time; then a new mark, a new number each read: its mtime is when
    # the read began (for the journal), and kept lines of any other read no longer match it.
    [ "$FKS" = journalctl ] || [ -n "$FKT" ] || fsklogtail
    kv=0; fsown "$FSKREF" && read -r kv 2>/dev/null <"$FSKREF"
    case $kv in ''|*[!0-9]*) kv=0 ;; esac
    kv=$((kv + 1))
    printf '%s\\n' "$kv" 2>/dev/null >"$FSKREF"
  fi
` : ''}\
  s=dmesg
  o=$( { dmesg 2>/dev/null || echo remlite-klog-failed; } | grep -F -w -e remlite-klog-failed "$@" | tail -n ${KERNEL_LOG_MAX_LINES})
  case $o in *remlite-klog-failed*)
    s=journalctl
    o=$( { journalctl -k -b -q --no-pager -o short-monotonic -n ${JOURNAL_KERNEL_MAX_LINES} 2>/dev/null || echo remlite-klog-failed; } | grep -F -w -e remlite-klog-failed "$@" | tail -n ${KERNEL_LOG_MAX_LINES}) ;;
  esac
  case $o in *remlite-klog-failed*)
    # (Nothing kept: the mark moved on above, so the last kept lines no longer match it.)
    printf 'fsklog! dmesg and journalctl -k both failed\\n'
    return 0 ;;
  esac
${cache ? `  printf 'fsread klog fresh %s\\n' "$FSE"
` : ''}\
  kp="fsklogsrc $s$FSNL"; kn=1
  IFS=$FSNL
  for l in $o; do kp="\${kp}fsk $l$FSNL"; kn=$((kn + 1)); done
  unset IFS
  printf '%s' "$kp"
${cache ? `  if [ -n "$FSC" ]; then
    # The third line: the newest record seen before a dmesg read, or who was refused for a journalctl one.
    [ "$s" = dmesg ] || { fsklogwho; FKT=$FKW; }
    printf '%s\\n%s %s %s %s\\n%s\\n%s' "$FSK $FSB$FSN" "$FSE" "$s" "$kn" "$kv" "$FKT" "$kp" 2>/dev/null >"$FSKF.$$" && mv -f "$FSKF.$$" "$FSKF" 2>/dev/null
  fi
` : ''}}
fsklog
`;
}

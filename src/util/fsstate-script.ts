// The fsstate section of the probe (and of the accept's capture): every ext2/3/4 filesystem mounted
// in the host's own mount namespace, with
// - its kernel device name (from the mount's major:minor, /sys/dev/block/M:N/uevent), so a device
//   node made under another name (/dev/mapper/..., a mknod'ed node) still meets /sys/fs/ext4 and the
//   kernel log, and ext4 counters of filesystems mounted elsewhere on the same kernel are left out;
// - /sys/fs/ext4/DEV/errors_count and the first/last error records;
// - `dumpe2fs -h` of the device: the on-disk superblock read afresh every poll, so random data over
//   it is seen at the next poll and not only when the kernel next reads that metadata;
// - the kernel log lines naming those devices (dmesg, else journalctl -k), the newest few only.
// Every line printed starts with a fixed word, so nothing a host writes can pose as a marker, and
// device names are checked before they reach a command.

/** Most ext2/3/4 filesystems checked per poll. */
export const FSSTATE_MAX_DEVICES = 16;
/** Most kernel log lines kept per poll (the newest naming the devices). */
export const KERNEL_LOG_MAX_LINES = 200;
/** Most lines journalctl -k reads when dmesg cannot be used. */
export const JOURNAL_KERNEL_MAX_LINES = 5000;
/** Seconds dumpe2fs may take per device. */
export const DUMPE2FS_TIMEOUT_SEC = 5;

const SYSFS_ATTRS = ['errors_count', 'first_error_time', 'first_error_func', 'first_error_line', 'last_error_time', 'last_error_func', 'last_error_line'];

/**
 * Shell text printing, per filesystem:
 *   fsdev KNAME FSTYPE MOUNT SOURCE    (mount and source with the mount table's \ooo escapes)
 *   fscnt ATTR VALUE                   (each readable /sys/fs/ext4/KNAME attribute)
 *   fssb LINE                          ("Filesystem state: ..." and "FS Error count: ..." of dumpe2fs -h)
 *   fserr LINE                         (dumpe2fs's complaint: "Bad magic number in super-block ...")
 *   fsexit CODE                        (dumpe2fs's exit code when not 0)
 *   fsunchecked WHY                    (the superblock was not read)
 * then, with `kernelLog`, `fsklogsrc dmesg|journalctl` and `fsk LINE` per kernel log line naming a
 * device (at most KERNEL_LOG_MAX_LINES, the newest), or `fsklog! WHY`. Self-contained POSIX sh.
 */
export function fsStateScript(opts: { kernelLog: boolean }): string {
  return `set -f
FSNL='
'
FSN=' '
fsn=0
fsdev() {
  d=/sys/fs/ext4/$1
  if [ -d "$d" ]; then
    for a in ${SYSFS_ATTRS.join(' ')}; do
      v=''
      [ -r "$d/$a" ] && read -r v 2>/dev/null <"$d/$a"
      [ -z "$v" ] || printf 'fscnt %s %s\\n' "$a" "$v"
    done
  fi
  b=''
  case $2 in /dev/*) case $2 in *[!A-Za-z0-9/_.:+-]*) ;; *) [ -b "$2" ] && b=$2 ;; esac ;; esac
  [ -n "$b" ] || { [ -b "/dev/$1" ] && b=/dev/$1; }
  if [ -z "$b" ]; then printf 'fsunchecked no device node for %s\\n' "$1"; return; fi
  if ! command -v dumpe2fs >/dev/null 2>&1; then printf 'fsunchecked dumpe2fs is not installed (e2fsprogs)\\n'; return; fi
  if command -v timeout >/dev/null 2>&1; then o=$(timeout -k 1 ${DUMPE2FS_TIMEOUT_SEC} dumpe2fs -h "$b" 2>&1 </dev/null); r=$?
  else o=$(dumpe2fs -h "$b" 2>&1 </dev/null); r=$?
  fi
  IFS=$FSNL
  for l in $o; do
    case $l in
      'Filesystem state:'*|'FS Error count:'*) printf 'fssb %s\\n' "$l" ;;
      dumpe2fs:*|*superblock*|*super-block*) printf 'fserr %s\\n' "$l" ;;
    esac
  done
  unset IFS
  [ "$r" -eq 0 ] || printf 'fsexit %s\\n' "$r"
}
if [ -r /proc/self/mountinfo ]; then
  while read -r _ _ mm _ mnt _ rest; do
    case " $rest" in *' - '*) r=\${rest#*- } ;; *) continue ;; esac
    set -- $r
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
    fsdev "$k" "$src"
  done 2>/dev/null </proc/self/mountinfo
else
  printf 'fsnote /proc/self/mountinfo unreadable: filesystem state not checked\\n'
fi
${opts.kernelLog ? kernelLogScript() : ''}`;
}

/**
 * The kernel log lines naming a checked device as a whole word (grep -F -w: loop1 is not loop10),
 * the newest KERNEL_LOG_MAX_LINES. dmesg reads the kernel's bounded ring buffer; journalctl -k
 * (when dmesg is refused, e.g. dmesg_restrict for a non-root user) reads at most
 * JOURNAL_KERNEL_MAX_LINES of this boot. The device names were checked above ([A-Za-z0-9_.-]).
 */
function kernelLogScript(): string {
  return `fsklog() {
  set --
  for k in $FSN; do set -- "$@" -e "$k"; done
  [ $# -gt 0 ] || return 0
  if ! command -v grep >/dev/null 2>&1 || ! command -v tail >/dev/null 2>&1; then printf 'fsklog! grep or tail is missing\\n'; return 0; fi
  s=dmesg
  o=$( { dmesg 2>/dev/null || echo remlite-klog-failed; } | grep -F -w -e remlite-klog-failed "$@" | tail -n ${KERNEL_LOG_MAX_LINES})
  case $o in *remlite-klog-failed*)
    s=journalctl
    o=$( { journalctl -k -b -q --no-pager -o short-monotonic -n ${JOURNAL_KERNEL_MAX_LINES} 2>/dev/null || echo remlite-klog-failed; } | grep -F -w -e remlite-klog-failed "$@" | tail -n ${KERNEL_LOG_MAX_LINES}) ;;
  esac
  case $o in *remlite-klog-failed*) printf 'fsklog! dmesg and journalctl -k both failed\\n'; return 0 ;; esac
  printf 'fsklogsrc %s\\n' "$s"
  IFS=$FSNL
  for l in $o; do printf 'fsk %s\\n' "$l"; done
  unset IFS
}
fsklog
`;
}

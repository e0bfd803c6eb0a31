// The host's mount table for the probe's shell sections, read once per run with one cat. The
// shell's own `read` takes a byte per syscall: the two loops over /proc/mounts and
// /proc/self/mountinfo cost about 2,700 read(2) calls a poll on a host with 20 mounts, and 39,000
// on one with 320 (a container host), where one cat reads the table in pages.

/** The mountinfo fallback where there is no cat: the builtin read, a byte per syscall. */
const READ_LOOP = `[ -n "$MT" ] || [ ! -r /proc/self/mountinfo ] || MT=$(while IFS= read -r l; do printf '%s\\n' "$l"; done 2>/dev/null </proc/self/mountinfo)`;

/**
 * Shell text setting MT to the lines of /proc/self/mountinfo ('' when it cannot be read): one cat,
 * or the builtin read where there is no cat.
 */
export const MOUNT_TABLE_SCRIPT = `MT=''
if command -v cat >/dev/null 2>&1; then MT=$(cat /proc/self/mountinfo 2>/dev/null); fi
${READ_LOOP}`;

/**
 * MOUNT_TABLE_SCRIPT with /proc/stat read by the same cat, for the probe's clock (script-clock.ts):
 * sets MT as MOUNT_TABLE_SCRIPT does and KT to all the text read (expects NL). MT is KT cut where
 * /proc/stat begins, at its "cpu " line: a mountinfo line begins with the mount's number. The cut
 * scans KT once (dash matches a pattern that begins with * again from every offset, so none is used).
 */
export const MOUNT_TABLE_AND_STAT_SCRIPT = `KT=''
if command -v cat >/dev/null 2>&1; then KT=$(cat /proc/self/mountinfo /proc/stat 2>/dev/null); fi
MT=\${KT%%"\${NL}cpu "*}
case $MT in 'cpu '*) MT='' ;; esac
${READ_LOOP}`;

/**
 * Shell text for one line of MT in l, inside a loop (a line that is not a mount goes by `continue`):
 * sets mm (MAJ:MIN), mnt (the mount point, escaped as the kernel writes it) and mo (the mount's own
 * options), then $1 $2 $3 to the filesystem type, the source and the filesystem's options. The line
 * is split once and the optional fields end at a lone "-" (a mount point's own spaces are escaped);
 * \${l#* - } would cost more, dash matching a pattern that begins with * again from each offset.
 */
export const MOUNT_FIELDS_SCRIPT = `case $l in *' - '*) ;; *) continue ;; esac
    set -- $l
    [ $# -ge 9 ] || continue
    mm=$3; mnt=$5; mo=$6; shift 6
    while [ $# -gt 0 ] && [ "$1" != - ]; do shift; done
    [ $# -ge 3 ] || continue
    shift`;

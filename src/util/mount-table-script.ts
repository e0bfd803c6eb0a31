// The host's mount table for the probe's shell sections, read once per run with one cat. The
// shell's own `read` takes a byte per syscall: the two loops over /proc/mounts and
// /proc/self/mountinfo cost about 2,700 read(2) calls a poll on a host with 20 mounts, and 39,000
// on one with 320 (a container host), where one cat reads the table in pages.

/**
 * Shell text setting MT to the lines of /proc/self/mountinfo ('' when it cannot be read): one cat,
 * or the builtin read where there is no cat.
 */
export const MOUNT_TABLE_SCRIPT = `MT=''
if command -v cat >/dev/null 2>&1; then MT=$(cat /proc/self/mountinfo 2>/dev/null); fi
[ -n "$MT" ] || [ ! -r /proc/self/mountinfo ] || MT=$(while IFS= read -r l; do printf '%s\\n' "$l"; done 2>/dev/null </proc/self/mountinfo)`;

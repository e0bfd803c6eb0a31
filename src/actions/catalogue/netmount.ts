import { NETWORK_FS_TYPES } from '../../util/network-fs.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry } from './types.js';
import { requireOnHost } from '../guard.js';
import { withPrivilege } from '../../util/privilege.js';

/** Mount points this repair takes: plain absolute paths, the same in /etc/fstab and /proc/mounts (no \ooo escapes). */
const MOUNT_PATH = /^\/[A-Za-z0-9._@:+/-]{0,255}$/;

function mountError(mount: string | undefined): string | undefined {
  if (!mount) return 'no mount given';
  if (!MOUNT_PATH.test(mount) || mount.split('/').includes('..')) return `"${mount}" is not a plain absolute mount point`;
  return undefined;
}

const typeRegex = `^(${NETWORK_FS_TYPES.map((t) => t.replace(/\./g, '\\.')).join('|')})$`;

/**
 * The mount's state, found on the host without ever waiting on it: absent (not in /proc/mounts),
 * ok or failed (a detached `stat -f` ended within 3 s), hung (it did not; it is left blocked, as the
 * probe leaves its own). Sets $st.
 */
function stateScript(mount: string): string {
  const m = shQuote(mount);
  return (
    `if awk -v m=${m} '$2 == m { f = 1 } END { exit !f }' /proc/mounts; then ` +
    `stat -f -- ${m} >/dev/null 2>&1 </dev/null & p=$!; st=hung; i=0; ` +
    `while [ "$i" -lt 30 ]; do s=''; read -r _ _ s _ 2>/dev/null </proc/$p/stat; ` +
    `case $s in ''|Z) if wait "$p"; then st=ok; else st=failed; fi; break ;; esac; sleep 0.1; i=$((i + 1)); done; ` +
    `else st=absent; fi`
  );
}

function netmountConditions(mount: string): { test: string; words: string }[] {
  const m = shQuote(mount);
  return [
    {
      test: `awk -v m=${m} -v t=${shQuote(typeRegex)} '$1 !~ /^#/ && $2 == m && $3 ~ t { f = 1 } END { exit !f }' /etc/fstab`,
      words: `${mount} is a network mount listed in /etc/fstab (it is mounted again as configured there)`,
    },
    { test: `[ "$st" != hung ]`, words: `${mount} is not hung: a hung mount waits on its server, remounting would not help` },
    { test: `[ "$st" != ok ]`, words: `${mount} is not working normally already (nothing to repair)` },
  ];
}

export const NETMOUNT_ENTRIES: Record<string, CatalogueEntry> = {
  'netmount.remount': {
    id: 'netmount.remount',
    title: (p) => `Mount ${p['mount']} again`,
    params: ['mount'],
    validate: (p) => mountError(p['mount']),
    preconditions: (p) => netmountConditions(p['mount'] ?? '').map((c) => c.words),
    command: (p, ctx) => {
      const mount = p['mount'] ?? '';
      const guards = netmountConditions(mount).map((c) => requireOnHost(c.test, c.words));
      // A stale mount is detached lazily (nothing can be pending on a dead connection), then mounted from fstab.
      const remount = `{ [ "$st" = absent ] || ${shCommand('umount', '-l', '--', mount)}; } && ${shCommand('mount', '--', mount)}`;
      return withPrivilege(ctx.machine, `${stateScript(mount)}; ${[...guards, remount].join(' && ')}`);
    },
    expected: (p) => `${p['mount']} is mounted and answers on the next probe (netmounts: ok)`,
  },
};

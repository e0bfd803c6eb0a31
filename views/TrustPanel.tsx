import type React from 'react';
import { Box, Text } from 'ink';
import type { HostKeyInfo } from '../src/model/index.js';
import type { HostState } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { sshFingerprintOfBase64 } from '../src/util/ssh-fingerprint.js';
import { truncate } from './text.js';
import type { Theme } from './theme.js';

/** The key shown in the trust dialog, frozen when T was pressed; its fingerprint is computed from the key itself. */
export type ReviewedKey = Pick<HostKeyInfo, 'type' | 'base64' | 'fingerprint' | 'knownHostsName'>;

export function reviewOf(key: HostKeyInfo): ReviewedKey {
  return { type: key.type, base64: key.base64, fingerprint: sshFingerprintOfBase64(key.base64), knownHostsName: key.knownHostsName };
}

/** Why T cannot open the trust dialog for this host (or undefined when it can). */
export function trustBlocked(host: HostState): string | undefined {
  const key = host.last?.reach === 'untrusted' ? host.last.hostKey : undefined;
  if (!key) return 'no host key is offered';
  if (key.status === 'revoked') return 'this key is revoked in known_hosts: it will not be trusted';
  if (key.status === 'changed') {
    return `host key CHANGED: remlite never replaces a known key. Check with the host's owner, then: ssh-keygen -R '${key.knownHostsName}'`;
  }
  if (host.cached) return 'this key comes from the fleet cache of an earlier run, not a live connection: R polls the host, then T reviews what it offers';
  return undefined;
}

/** What the latest poll says against the reviewed key: undefined while it still offers exactly that key. */
export function offerMismatch(host: HostState, reviewed: ReviewedKey): string | undefined {
  const now = host.last?.reach === 'untrusted' ? host.last.hostKey : undefined;
  if (!now) return `the latest poll offers no key to trust (${host.last?.reach ?? 'pending'})`;
  if (now.type !== reviewed.type || now.base64 !== reviewed.base64) {
    return `the host now offers a DIFFERENT key: ${now.type} ${sshFingerprintOfBase64(now.base64)}`;
  }
  if (now.status !== 'unknown') return `the key is now ${now.status} in known_hosts`;
  return undefined;
}

export function TrustPanel({ host, reviewed, theme, width }: { host: HostState; reviewed: ReviewedKey; theme: Theme; width: number }): React.JSX.Element {
  const mismatch = offerMismatch(host, reviewed);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.warning} wrap="truncate-end">
        {truncate(`Trust the host key offered by ${sanitizeLine(host.machine.name)}?`, width)}
      </Text>
      <Text wrap="truncate-end">{truncate(`  key: ${sanitizeLine(reviewed.type)} ${reviewed.fingerprint}`, width)}</Text>
      <Text wrap="truncate-end">{truncate(`  recorded in known_hosts as: ${sanitizeLine(reviewed.knownHostsName)}`, width)}</Text>
      <Text wrap="wrap">This host has never been seen. Anyone able to intercept the connection could be offering their own key.</Text>
      <Text wrap="wrap">Compare the fingerprint with one obtained out of band (console, provider API, the host's admin) before trusting it.</Text>
      {mismatch ? (
        <Text bold color={theme.critical} wrap="wrap">
          {`CHANGED since you pressed T: ${sanitizeLine(mismatch)}. y will refuse; press any key, then T to review again.`}
        </Text>
      ) : null}
      <Text bold wrap="truncate-end">
        {truncate('y trust and record exactly this key · any other key cancels', width)}
      </Text>
    </Box>
  );
}

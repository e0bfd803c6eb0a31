import type { ServerHostKeyAlgorithm } from 'ssh2';

/** ssh2's host key algorithms, best first (ssh-dss left out on purpose). */
const DEFAULT_ORDER: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Signature algorithms that prove a key of the given type. */
function algorithmsForKeyType(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return DEFAULT_ORDER.filter((a) => a === keyType);
}

/**
 * Host key algorithms to offer, with the types already in known_hosts first — as OpenSSH does —
 * so a known host is asked for the key we can check rather than a new type we would call unknown.
 */
export function hostKeyAlgorithmOrder(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const first = knownTypes.flatMap(algorithmsForKeyType);
  return [...new Set([...first, ...DEFAULT_ORDER])];
}

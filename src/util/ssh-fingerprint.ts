import { createHash } from 'node:crypto';

/** "SHA256:..." of a public key wire blob, exactly as `ssh-keygen -l` prints it (unpadded base64). */
export function sshFingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The fingerprint of a key given as its base64 blob (a known_hosts or authorized_keys field). */
export function sshFingerprintOfBase64(base64: string): string {
  return sshFingerprint(Buffer.from(base64, 'base64'));
}

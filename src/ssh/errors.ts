import { homedir } from 'node:os';
import type { HostKeyInfo, SshTarget } from '../model/index.js';

export type SshErrorKind = 'untrusted' | 'unreachable' | 'timeout' | 'auth-failed' | 'closed';

/** Every failure of the SSH layer: a kind callers can switch on and a message an operator can act on. */
export class SshError extends Error {
  readonly kind: SshErrorKind;
  /** For 'untrusted': the key the host offered, so the operator can decide. */
  readonly hostKey?: HostKeyInfo;
  /** While backing off: epoch ms of the next real attempt. */
  readonly retryAt?: number;

  constructor(kind: SshErrorKind, message: string, extra: { hostKey?: HostKeyInfo; retryAt?: number; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'SshError';
    this.kind = kind;
    if (extra.hostKey) this.hostKey = extra.hostKey;
    if (extra.retryAt !== undefined) this.retryAt = extra.retryAt;
  }
}

/** "user@host:port" (plus " via user@jump:port" when tunnelled). */
export function describeTarget(target: SshTarget): string {
  const self = `${target.user}@${target.host}:${target.port}`;
  return target.jump ? `${self} via ${target.jump.user}@${target.jump.host}:${target.jump.port}` : self;
}

/** Shortens the home directory to ~ for messages. */
export function tildePath(path: string): string {
  const home = homedir();
  return home && (path === home || path.startsWith(home + '/')) ? '~' + path.slice(home.length) : path;
}

/** The operator-facing message for a host key that was not accepted; `knownTypes`: key types known_hosts holds for the host. */
export function untrustedMessage(info: HostKeyInfo, knownHostsFile: string | undefined, knownTypes: string[] = []): string {
  const file = knownHostsFile ? tildePath(knownHostsFile) : 'known_hosts';
  const key = `${info.type} ${info.fingerprint}`;
  const otherTypes = knownTypes.filter((t) => t !== info.type);
  switch (info.status) {
    case 'unknown':
      return `host key for ${info.knownHostsName} is not in ${file} (${key}): verify it and trust it with T, or add it with ssh-keyscan`;
    case 'changed':
      if (!knownTypes.includes(info.type) && otherTypes.length > 0) {
        return `HOST KEY CHANGED for ${info.knownHostsName}: known_hosts holds its ${otherTypes.join(', ')} key, but it now offers only ${key}. ` +
          `This may be an attack (a key-type downgrade); if the host was really rebuilt, remove the old line (ssh-keygen -R '${info.knownHostsName}') and trust it again`;
      }
      return `HOST KEY CHANGED for ${info.knownHostsName}: it now offers ${key}, which differs from ${file}. ` +
        `This may be an attack; if the host was really reinstalled, remove the old line (ssh-keygen -R '${info.knownHostsName}') and trust it again`;
    case 'revoked':
      return `host key for ${info.knownHostsName} is REVOKED in ${file} (${key}): refusing to connect`;
  }
}

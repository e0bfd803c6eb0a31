import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { HostKeyInfo, SshTarget } from '../model/index.js';
import { planAuth } from './auth-methods.js';
import { loadSsh2 } from './load-ssh2.js';
import { SshError, describeTarget, untrustedMessage } from './errors.js';
import { hostKeyAlgorithmOrder } from './host-key-algorithms.js';
import {
  checkHostKey,
  fingerprintSha256,
  keyTypeOfBlob,
  entryMatchesName,
  hostKeyLookupName,
  knownKeyTypes,
  readKnownHostsFiles,
} from './known-hosts.js';

export interface ClientSettings {
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  agentSocket: string | undefined;
  /** Called with known_hosts problems (bad lines) so they can be shown, never fatal. */
  onWarning(message: string): void;
  /** Called when a host offers a key we do not accept. */
  onUntrustedKey(info: HostKeyInfo): void;
}

/**
 * Opens one authenticated SSH connection to `target` (over `sock` when tunnelled).
 * The host key is checked against known_hosts (read now, fresh) during key exchange, before any
 * authentication request is sent; anything but an exact match aborts with kind 'untrusted'.
 */
export async function openClient(target: SshTarget, settings: ClientSettings, sock?: Duplex): Promise<Client> {
  const who = describeTarget({ ...target, jump: undefined });
  const name = hostKeyLookupName(target);
  const known = await readKnownHostsFiles(target.knownHostsFiles);
  known.warnings.forEach((w) => settings.onWarning(w));
  // Only this host's lines are kept for the key check: the connection lives long, the file may hold the whole fleet.
  const entries = known.entries.filter((e) => entryMatchesName(e, name));
  const knownTypes = knownKeyTypes(entries, name);
  const auth = await planAuth(target, settings.agentSocket);
  const ssh2 = await loadSsh2();

  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let untrusted: SshError | undefined;
    const notes: string[] = [];
    let settled = false;
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(err);
    };

    client.on('ready', () => {
      if (settled) return client.destroy();
      settled = true;
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (settled) return;
      if (untrusted) return fail(untrusted);
      // ssh2 reports a failing agent or key signature as an error, then goes on with the next method.
      if (err.level === 'agent' || (err.level === 'client-authentication' && !/All configured/.test(err.message))) {
        notes.push(err.message);
        return;
      }
      fail(classifyConnectError(err, who, auth, notes, settings.readyTimeoutMs));
    });
    client.on('close', () => fail(untrusted ?? new SshError('unreachable', `${who}: connection closed during the SSH handshake; check that sshd runs there`)));

    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        ...(sock ? { sock } : {}),
        readyTimeout: settings.readyTimeoutMs,
        keepaliveInterval: settings.keepaliveIntervalMs,
        keepaliveCountMax: settings.keepaliveCountMax,
        algorithms: { serverHostKey: hostKeyAlgorithmOrder(knownTypes) },
        hostVerifier: (blob: Buffer): boolean => {
          const type = keyTypeOfBlob(blob);
          const base64 = blob.toString('base64');
          const result = checkHostKey(entries, name, type, base64);
          if (result === 'match') return true;
          const info: HostKeyInfo = { type, base64, fingerprint: fingerprintSha256(blob), status: result, knownHostsName: name };
          untrusted = new SshError('untrusted', `${who}: ${untrustedMessage(info, target.knownHostsFiles[0], knownTypes)}`, { hostKey: info });
          settings.onUntrustedKey(info);
          return false;
        },
        authHandler: auth.methods,
      });
    } catch (err) {
      fail(new SshError('unreachable', `${who}: cannot start the connection: ${(err as Error).message}`, { cause: err }));
    }
  });
}

function classifyConnectError(
  err: Error & { level?: string; code?: string },
  who: string,
  auth: { offered: string[]; skipped: string[] },
  notes: string[],
  readyTimeoutMs: number,
): SshError {
  if (err.level === 'client-authentication') {
    const offered = auth.offered.length ? `offered ${auth.offered.join(', ')}` : 'no key to offer';
    const skipped = auth.skipped.length ? `; skipped ${auth.skipped.join('; ')}` : '';
    const extra = notes.length ? `; ${notes.join('; ')}` : '';
    return new SshError('auth-failed', `${who}: authentication failed (${offered}${skipped}${extra}): check the user and that your key is in its authorized_keys`, { cause: err });
  }
  if (err.level === 'client-timeout') {
    const what = /keepalive/i.test(err.message) ? 'the server stopped answering keepalives' : `no SSH handshake within ${Math.round(readyTimeoutMs / 1000)}s`;
    return new SshError('timeout', `${who}: ${what}; the host may be overloaded or frozen`, { cause: err });
  }
  const reason = err.code === 'ECONNREFUSED'
    ? 'connection refused (is sshd running and listening on that port?)'
    : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
      ? 'no route to host'
      : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
        ? 'host name does not resolve'
        : err.message;
  return new SshError('unreachable', `${who}: ${reason}`, { cause: err });
}

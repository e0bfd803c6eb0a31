import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What providers need to know about the local side; injectable so parsers stay pure in tests. */
export interface ProviderEnv {
  home: string;
  /** The local login name: the SSH user when none is configured. */
  localUser: string;
  fileExists(file: string): boolean;
}

export function systemEnv(home?: string): ProviderEnv {
  let localUser = process.env['USER'] ?? process.env['LOGNAME'] ?? '';
  try {
    localUser = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep the environment's idea of the user
  }
  return { home: home ?? os.homedir(), localUser: localUser || 'root', fileExists: existsSync };
}

/** Expands a leading "~" or "~/" to the home directory (not "~otheruser"). */
export function expandTilde(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

/** The identity files OpenSSH would try by default, limited to those that exist. */
export function defaultIdentityFiles(env: ProviderEnv): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa']
    .map((name) => path.join(env.home, '.ssh', name))
    .filter((file) => env.fileExists(file));
}

export const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

/** ~/.ssh/known_hosts (first: new trust decisions go there), then the system file if present. */
export function defaultKnownHostsFiles(env: ProviderEnv): string[] {
  const files = [path.join(env.home, '.ssh', 'known_hosts')];
  if (env.fileExists(GLOBAL_KNOWN_HOSTS)) files.push(GLOBAL_KNOWN_HOSTS);
  return files;
}

/** Shows paths under the home directory as "~/..." in messages. */
export function displayPath(file: string, home: string): string {
  if (home && (file === home || file.startsWith(home.endsWith('/') ? home : home + '/'))) {
    return '~' + file.slice(home.replace(/\/$/, '').length);
  }
  return file;
}

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * Parses "[user@]host[:port]", "[user@][v6addr]:port" or "ssh://[user@]host[:port]" (the ProxyJump forms).
 * Returns undefined when the text is not one of them or the port is not 1..65535.
 */
export function parseJumpSpec(text: string): JumpSpec | undefined {
  let rest = text.trim();
  if (rest.startsWith('ssh://')) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  if (!rest || /\s/.test(rest)) return undefined;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) return undefined;
  }
  let host = rest;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    [host, portText] = rest.split(':') as [string, string];
  }
  if (!host) return undefined;
  const spec: JumpSpec = { host };
  if (user !== undefined) spec.user = user;
  if (portText !== undefined) {
    const port = parsePort(portText);
    if (port === undefined) return undefined;
    spec.port = port;
  }
  return spec;
}

export function parsePort(text: string | number): number | undefined {
  const n = typeof text === 'number' ? text : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

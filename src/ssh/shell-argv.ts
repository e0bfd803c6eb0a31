import type { SshTarget } from '../model/index.js';

/**
 * The argv of an interactive `ssh` to a host with exactly the settings remlite itself connects
 * with: user, port, identity files, the jump host (`-J`), host key alias, and the same known_hosts
 * files with strict checking (an unknown or changed key is refused, never asked about). It is an
 * argv for execve, never a shell string; every value is checked so that ssh reads it as one value
 * (no option, no second file, no `%` token or `${VAR}` it would expand).
 */
export type ShellArgv = { argv: string[] } | { refused: string };

/** Host names and addresses (IPv6 included) as ssh takes them: no spaces, quotes or leading dash. */
const HOST = /^(?!-)[A-Za-z0-9._:%-]{1,253}$/;
/** Login names: what useradd takes, plus '.' and '@'-free domain-style names some directories use. */
const USER = /^(?!-)[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/;

function checkHost(value: string, what: string): string | undefined {
  return HOST.test(value) ? undefined : `${what} "${value}" is not a host name or address ssh can be given safely`;
}

function checkUser(value: string, what: string): string | undefined {
  return USER.test(value) ? undefined : `${what} "${value}" is not a valid login name`;
}

/**
 * A file path for an ssh option: ssh expands `%x` tokens and `${VAR}` in IdentityFile and
 * UserKnownHostsFile and splits the latter on whitespace, so '%' is doubled and paths ssh would
 * split or expand are refused.
 */
function sshPath(value: string, what: string): { path: string } | { refused: string } {
  if (value === '' || /[\s"'\\\u0000-\u001f\u007f]/.test(value) || value.includes('${')) {
    return { refused: `${what} "${value}" has characters ssh would split or expand (spaces, quotes, backslashes, \${…}): give it another path` };
  }
  return { path: value.replace(/%/g, '%%') };
}

/** `user@host:port` for -J (IPv6 in brackets). */
function jumpSpec(jump: SshTarget): { spec: string } | { refused: string } {
  const bad = checkHost(jump.host, 'jump host') ?? (jump.user ? checkUser(jump.user, 'jump host user') : undefined);
  if (bad) return { refused: bad };
  if (jump.jump) return { refused: `jump host ${jump.host} has a jump host of its own: open the shell from a terminal with your own ssh config` };
  const host = jump.host.includes(':') ? `[${jump.host}]` : jump.host;
  const port = jump.port && jump.port !== 22 ? `:${jump.port}` : '';
  return { spec: `${jump.user ? `${jump.user}@` : ''}${host}${port}` };
}

/** Builds the argv (`ssh` first, found on PATH: the operator's own client). */
export function sshShellArgv(target: SshTarget, sshBinary = 'ssh'): ShellArgv {
  const bad = checkHost(target.host, 'address') ?? checkUser(target.user, 'user') ?? (target.hostKeyAlias ? checkHost(target.hostKeyAlias, 'host key alias') : undefined);
  if (bad) return { refused: bad };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) return { refused: `port ${target.port} is not a TCP port` };
  if (target.knownHostsFiles.length === 0) return { refused: 'no known_hosts file to verify the host key against' };

  const known: string[] = [];
  for (const f of target.knownHostsFiles) {
    const p = sshPath(f, 'known_hosts file');
    if ('refused' in p) return p;
    known.push(p.path);
  }
  const identities: string[] = [];
  for (const f of target.identityFiles) {
    const p = sshPath(f, 'identity file');
    if ('refused' in p) return p;
    identities.push('-i', p.path);
  }
  const jump = target.jump ? jumpSpec(target.jump) : undefined;
  if (jump && 'refused' in jump) return jump;

  return {
    argv: [
      sshBinary,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${known.join(' ')}`,
      // The known_hosts files above are the whole list remlite verifies against (a global file included when it is one of them).
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      ...(target.hostKeyAlias ? ['-o', `HostKeyAlias=${target.hostKeyAlias}`] : []),
      ...identities,
      ...(jump ? ['-J', jump.spec] : []),
      '-p',
      String(target.port),
      '-l',
      target.user,
      '--',
      target.host,
    ],
  };
}

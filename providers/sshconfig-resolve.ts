import os from 'node:os';
import path from 'node:path';
import type { LogSource, Machine, SshTarget } from '../src/model/index.js';
import { isSafeServiceName } from '../src/util/shell-quote.js';
import type { HostBlock, LoadedSshConfig } from './sshconfig-load.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, expandTilde, parseJumpSpec, parsePort, type ProviderEnv } from './ssh-defaults.js';

const ALIAS_RE = /^[A-Za-z0-9._:-]+$/;
/** HostName and User as a name or address can be written: no leading "-" (an option), no shell syntax. */
const HOSTNAME_RE = /^[A-Za-z0-9_.:%[\]][A-Za-z0-9_.:%[\]-]*$/;
const USER_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.@-]*$/;
const ANNOTATION_KEYS = ['pool', 'role', 'services', 'logs'];

class HostProblem extends Error {}

type Computed = Record<string, string | string[]>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A Host pattern that names one machine rather than a family of them. */
function isConcreteHostPattern(pattern: string): boolean {
  return !/[*?!]/.test(pattern);
}

/** ssh_config(5) TOKENS for IdentityFile / UserKnownHostsFile (the ones that make sense here). */
function expandTokens(text: string, t: { home: string; localUser: string; host: string; user: string; port: number; alias: string }): string {
  const out = text.replace(/%(.)/g, (whole, ch: string) => {
    switch (ch) {
      case '%': return '%';
      case 'd': return t.home;
      case 'u': return t.localUser;
      case 'h': return t.host;
      case 'r': return t.user;
      case 'p': return String(t.port);
      case 'n': return t.alias;
      case 'l': return os.hostname().split('.')[0] ?? '';
      default: throw new HostProblem(`unsupported token ${whole} in "${text}"`);
    }
  });
  return expandTilde(out, t.home);
}

interface Hop {
  alias: string;
  user?: string;
  port?: number;
}

/**
 * Turns the concrete Host entries of a loaded config into machines. A host whose settings cannot be
 * honoured (bad port, ProxyJump loop, unknown token) is left out with a warning; options remlite
 * does not implement but can live without (ProxyCommand...) are warnings on a kept host.
 */
export function resolveSshHosts(loaded: LoadedSshConfig, env: ProviderEnv): { machines: Machine[]; warnings: string[] } {
  const warnings = [...loaded.warnings];
  const machines: Machine[] = [];
  const seen = new Set<string>();
  const compute = (alias: string): Computed => loaded.config.compute(alias, { ignoreCase: true, matchExec: false });

  /** The target for one alias; its own ProxyJump is followed unless the caller supplies the jump. */
  const target = (hop: Hop, chain: string[], notes: string[], jumpOverride?: SshTarget | null): SshTarget => {
    if (chain.includes(hop.alias)) throw new HostProblem(`ProxyJump loop: ${[...chain, hop.alias].join(' → ')}`);
    const c = compute(hop.alias);
    const host = (first(c['hostname']) ?? hop.alias).replace(/%h/g, hop.alias).replace(/%%/g, '%');
    const user = hop.user ?? first(c['user']) ?? env.localUser;
    // Both reach ssh and the {address} of user actions: an option or shell syntax is refused here.
    if (!HOSTNAME_RE.test(host)) throw new HostProblem(`HostName "${host}" of ${hop.alias} starts with "-" or holds characters a host name cannot`);
    if (!USER_RE.test(user)) throw new HostProblem(`User "${user}" of ${hop.alias} starts with "-" or holds characters a login name cannot`);
    const portText = first(c['port']);
    const port = hop.port ?? (portText === undefined ? 22 : parsePort(portText));
    if (port === undefined) throw new HostProblem(`bad Port "${portText}" for ${hop.alias}`);
    const tokens = { home: env.home, localUser: env.localUser, host, user, port, alias: hop.alias };
    const identityFiles = all(c['identityfile']).filter((f) => f.toLowerCase() !== 'none').map((f) => expandTokens(f, tokens));
    let knownHostsFiles = all(c['userknownhostsfile'])
      .filter((f) => f.toLowerCase() !== 'none')
      .map((f) => expandTokens(f, tokens));
    const devNull = knownHostsFiles.includes('/dev/null');
    knownHostsFiles = knownHostsFiles.filter((f) => f !== '/dev/null');
    if (knownHostsFiles.length === 0) knownHostsFiles = defaultKnownHostsFiles(env);
    if (devNull) {
      notes.push(`UserKnownHostsFile /dev/null for ${hop.alias} is not honoured: remlite verifies host keys against ${knownHostsFiles.join(', ')}`);
    }
    const strict = first(c['stricthostkeychecking'])?.toLowerCase();
    if (strict === 'no' || strict === 'off' || strict === 'accept-new') {
      notes.push(`StrictHostKeyChecking ${strict} for ${hop.alias} is not honoured: unknown host keys still need the operator's approval`);
    }
    const proxyCommand = first(c['proxycommand']);
    if (proxyCommand && proxyCommand.toLowerCase() !== 'none') {
      notes.push(`ProxyCommand is not supported: remlite connects to ${host}:${port} directly${c['proxyjump'] ? ' (or through its ProxyJump)' : ''}`);
    }
    const t: SshTarget = {
      host,
      port,
      user,
      identityFiles: identityFiles.length ? identityFiles : defaultIdentityFiles(env),
      knownHostsFiles,
    };
    const alias = first(c['hostkeyalias']);
    if (alias) t.hostKeyAlias = alias;
    const jump = jumpOverride !== undefined ? jumpOverride : jumpChain(first(c['proxyjump']), [...chain, hop.alias], notes);
    if (jump) t.jump = jump;
    return t;
  };

  /** "a,b,c": connect to a (with its own config), then b through a, then c through b. */
  const jumpChain = (value: string | undefined, chain: string[], notes: string[]): SshTarget | null => {
    if (!value || value.toLowerCase() === 'none') return null;
    let previous: SshTarget | null = null;
    for (const [i, text] of value.split(',').entries()) {
      const spec = parseJumpSpec(text);
      if (!spec) throw new HostProblem(`cannot read ProxyJump "${value}"`);
      const hop: Hop = { alias: spec.host };
      if (spec.user !== undefined) hop.user = spec.user;
      if (spec.port !== undefined) hop.port = spec.port;
      previous = target(hop, chain, notes, i === 0 ? undefined : previous);
    }
    return previous;
  };

  for (const block of loaded.hosts) {
    // `Host -oProxyCommand=...` (ssh splits it at "=" too): the whole line is refused, not just that word.
    const dashed = block.patterns.find((p) => p.startsWith('-'));
    if (dashed) {
      warnings.push(`${block.origin}: Host ${block.patterns.join(' ')}: skipped, "${dashed}" starts with "-" and would be read as an option`);
      continue;
    }
    for (const alias of block.patterns.filter(isConcreteHostPattern)) {
      if (seen.has(alias)) continue;
      seen.add(alias);
      const prefix = `${block.origin}: ${alias}`;
      if (!ALIAS_RE.test(alias)) {
        warnings.push(`${prefix}: skipped, the alias has characters remlite does not accept in a machine id`);
        continue;
      }
      const notes: string[] = [];
      let ssh: SshTarget;
      try {
        ssh = target({ alias }, [], notes);
      } catch (err) {
        if (!(err instanceof HostProblem)) throw err;
        warnings.push(`${prefix}: skipped, ${err.message}`);
        continue;
      }
      for (const note of notes) warnings.push(`${prefix}: ${note}`);
      const meta = readAnnotation(block, alias, warnings);
      machines.push({
        id: alias,
        name: alias,
        provider: 'sshconfig',
        site: 'ssh-config',
        pool: meta.pool ?? 'ssh',
        role: meta.role ?? '',
        ssh,
        services: meta.services,
        logs: [
          ...meta.services.map((s): LogSource => ({ id: `unit:${s}`, kind: 'unit', target: s })),
          ...meta.logs.map((f): LogSource => ({ id: `file:${f}`, kind: 'file', target: f })),
        ],
        origin: block.origin,
      });
    }
  }
  return { machines, warnings };
}

/** "# remlite: pool=web role=db services=apache2,rsyslog logs=/var/log/a.log" */
function readAnnotation(block: HostBlock, alias: string, warnings: string[]): { pool?: string; role?: string; services: string[]; logs: string[] } {
  const out: { pool?: string; role?: string; services: string[]; logs: string[] } = { services: [], logs: [] };
  if (!block.annotation) return out;
  const prefix = `${block.origin}: ${alias}: remlite comment`;
  for (const word of block.annotation.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    const key = eq > 0 ? word.slice(0, eq) : word;
    const value = eq > 0 ? word.slice(eq + 1) : '';
    if (!ANNOTATION_KEYS.includes(key) || !value) {
      warnings.push(`${prefix}: ignoring "${word}" (expected ${ANNOTATION_KEYS.map((k) => `${k}=...`).join(' ')})`);
      continue;
    }
    if ((key === 'pool' || key === 'role') && value.startsWith('-')) warnings.push(`${prefix}: ignoring ${key} "${value}" (a value starting with "-" would be read as an option)`);
    else if (key === 'pool' || key === 'role') out[key] = value;
    else if (key === 'services') {
      for (const s of value.split(',').filter(Boolean)) {
        if (isSafeServiceName(s)) out.services.push(s);
        else warnings.push(`${prefix}: ignoring unsafe service name "${s}"`);
      }
    } else {
      for (const f of value.split(',').filter(Boolean)) {
        if (path.posix.isAbsolute(f)) out.logs.push(path.posix.normalize(f));
        else warnings.push(`${prefix}: ignoring relative log path "${f}"`);
      }
    }
  }
  out.services = [...new Set(out.services)];
  out.logs = [...new Set(out.logs)];
  return out;
}

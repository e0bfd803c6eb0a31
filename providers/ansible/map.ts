import { isIP } from 'node:net';
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { LogSource, Machine, SshTarget } from '../../src/model/index.js';
import { isSafeServiceName } from '../../src/util/shell-quote.js';
import { CHECK_KEY_NAMES, mergeChecks, readChecks, type CheckReader } from '../inventory-checks.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, expandTilde, parseJumpSpec, parsePort, type ProviderEnv } from '../ssh-defaults.js';
import { VAULTED, type AnsibleValue, type ResolvedHost } from './model.js';
import { parseSshArgs } from './ssh-args.js';

const NAME_RE = /^[A-Za-z0-9._-]+$/;
const DNS_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
const USER_RE = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/;
const SSH_CONNECTIONS = ['ssh', 'smart', 'paramiko', 'paramiko_ssh'];

export interface AnsibleMapOptions {
  env: ProviderEnv;
  /** Relative key and known_hosts paths are taken from here (the inventory's directory). */
  baseDir: string;
  /** Groups that become the pool, in order of preference; otherwise the host's first own group in the inventory's order. */
  poolGroups?: string[];
}

/**
 * The pool of a host: the first of poolGroups the host is in; else the first group (in the order the
 * inventory defines them) that lists the host itself, other than all/ungrouped; else the first of its other groups; else "ungrouped".
 */
export function choosePool(host: ResolvedHost, poolGroups: readonly string[] = []): string {
  const preferred = poolGroups.find((g) => host.groups.includes(g));
  if (preferred) return preferred;
  const real = (gs: string[]) => gs.filter((g) => g !== 'all' && g !== 'ungrouped');
  return real(host.directGroups)[0] ?? real(host.groups)[0] ?? 'ungrouped';
}

/** Maps resolved Ansible hosts to machines; problems that concern one host become warnings and a not-probed reason. */
export function mapAnsibleHosts(hosts: ResolvedHost[], opts: AnsibleMapOptions): { machines: Machine[]; warnings: string[] } {
  const warnings: string[] = [];
  const machines: Machine[] = [];
  for (const h of hosts) {
    if (!NAME_RE.test(h.name)) {
      warnings.push(`${h.origin}: Ansible host name ${JSON.stringify(h.name)} is not usable as a remlite id (letters, digits, ".", "_", "-"); skipped`);
      continue;
    }
    machines.push(mapHost(h, opts, warnings));
  }
  const byName = new Map(machines.map((m) => [m.id, m]));
  // A jump naming another inventory host goes through that host's address, user, port and key.
  for (const m of machines) {
    const jump = m.ssh?.jump;
    if (!jump) continue;
    const hop = byName.get(jump.host)?.ssh;
    if (hop) {
      const { jump: _ignored, ...direct } = hop;
      m.ssh = { ...m.ssh!, jump: { ...direct, user: jump.user || hop.user, port: jump.port || hop.port } };
    } else {
      m.ssh = { ...m.ssh!, jump: { ...jump, user: jump.user || m.ssh!.user, port: jump.port || 22, identityFiles: m.ssh!.identityFiles } };
    }
  }
  return { machines, warnings };
}

function mapHost(h: ResolvedHost, opts: AnsibleMapOptions, warnings: string[]): Machine {
  const v = h.vars;
  const problems: string[] = [];
  const vaulted: string[] = [];
  const text = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const value = v[k];
      if (value === undefined || value === null) continue;
      if (value === VAULTED) {
        vaulted.push(k);
        return undefined;
      }
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value).trim();
      problems.push(`${k} is not a single value`);
      return undefined;
    }
    return undefined;
  };
  const resolvePath = (p: string) => path.resolve(opts.baseDir, expandTilde(p, opts.env.home));

  const connection = text('ansible_connection');
  const address = text('ansible_host', 'ansible_ssh_host') ?? h.name;
  const portText = text('ansible_port', 'ansible_ssh_port');
  const user = text('ansible_user', 'ansible_ssh_user', 'ansible_remote_user');
  const key = text('ansible_ssh_private_key_file', 'ansible_private_key_file');
  const common = [text('ansible_ssh_common_args'), text('ansible_ssh_extra_args')].filter(Boolean).join(' ');
  const knownHosts = text('remlite_known_hosts');

  const port = portText === undefined ? 22 : parsePort(portText);
  if (port === undefined) problems.push(`bad ansible_port ${JSON.stringify(portText)}`);
  if (!isIP(address) && !DNS_RE.test(address)) problems.push(`ansible_host ${JSON.stringify(address)} is neither an IP address nor a DNS name`);
  if (user !== undefined && !USER_RE.test(user)) problems.push(`bad ansible_user ${JSON.stringify(user)}`);
  const args = parseSshArgs(common);
  if (args.unsupported.length) problems.push(`unsupported ssh args for remlite: ${args.unsupported.join(' ')} (only -J / ProxyJump and UserKnownHostsFile are applied)`);

  let reason: string | undefined;
  if (connection !== undefined && !SSH_CONNECTIONS.includes(connection)) reason = `ansible_connection=${connection}: remlite probes over ssh only`;
  else if (vaulted.length) reason = `value is vaulted: ${[...new Set(vaulted)].join(', ')} (remlite never decrypts vault)`;
  else if (problems.length) reason = problems.join('; ');

  const knownHostsFiles = knownHosts ? [resolvePath(knownHosts)] : args.knownHostsFile ? [resolvePath(args.knownHostsFile)] : defaultKnownHostsFiles(opts.env);
  const identityFiles = key ? [resolvePath(key)] : defaultIdentityFiles(opts.env);
  let ssh: SshTarget | undefined;
  if (!reason) {
    ssh = { host: address, port: port ?? 22, user: user ?? opts.env.localUser, identityFiles, knownHostsFiles };
    if (args.jump) {
      const j = parseJumpSpec(args.jump.split(',')[0]!);
      if (!j) reason = `bad ProxyJump ${JSON.stringify(args.jump)}`;
      // Port 0 and user "" are filled in by mapAnsibleHosts, from the inventory host of that name if there is one.
      else ssh.jump = { host: j.host, port: j.port ?? 0, user: j.user ?? '', identityFiles: [], knownHostsFiles };
    }
  }
  if (reason) {
    ssh = undefined;
    warnings.push(`${h.origin}: Ansible host "${h.name}" is listed but not probed: ${reason}`);
  }

  const checkIssues: string[] = [];
  const { services, checks } = readRemliteVars(v, (msg) => checkIssues.push(msg));
  for (const msg of checkIssues) warnings.push(`${h.origin}: Ansible host "${h.name}": ${msg}`);
  const logs: LogSource[] = services.map((svc) => ({ id: `unit:${svc}`, kind: 'unit', target: svc }));
  const machine: Machine = {
    id: h.name,
    name: h.name,
    provider: 'ansible',
    site: text('remlite_site') ?? 'ansible',
    pool: choosePool(h, opts.poolGroups),
    role: text('remlite_role') ?? '',
    services,
    logs,
    origin: h.origin,
    checks,
    groups: h.groups,
  };
  if (ssh) machine.ssh = ssh;
  if (reason) machine.notProbed = reason;
  return machine;
}

/** remlite_services and remlite_<check> vars, read by the native inventory's check reader. */
function readRemliteVars(v: Record<string, AnsibleValue>, report: (msg: string) => void): { services: string[]; checks: Machine['checks'] } {
  const plain: Record<string, unknown> = {};
  for (const k of ['services', ...CHECK_KEY_NAMES]) {
    const value = v[`remlite_${k}`];
    if (value === undefined) continue;
    if (containsVault(value)) report(`remlite_${k} is vaulted; ignored`);
    else plain[k] = value;
  }
  const doc = new Document(plain);
  const reader: CheckReader = {
    list: (key, node) => {
      const items = isSeq(node) ? node.items : isScalar(node) ? [node] : undefined;
      if (!items) {
        report(`remlite_${key} must be a list`);
        return [];
      }
      return items.flatMap((item) => (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') ? [{ value: String(item.value), node: item as Node }] : (report(`remlite_${key} holds a value that is not text`), [])));
    },
    string: (key, node) => (isScalar(node) && typeof node.value === 'string' ? node.value : (report(`"${key}" must be text`), undefined)),
    fields: (map, allowed, what) => {
      const out = new Map<string, { key: Node; value: Node | null }>();
      if (!isMap(map)) return out;
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (allowed.includes(key)) out.set(key, { key: pair.key as Node, value: (pair.value as Node) ?? null });
        else report(`unknown key "${key}" in ${what}`);
      }
      return out;
    },
    items: (node) => (isSeq(node) ? (node.items as Node[]) : undefined),
    report: (_node, reason) => report(reason),
  };
  const root = doc.contents;
  const f = reader.fields(root as Node, Object.keys(plain), 'remlite vars');
  const services: string[] = [];
  const svc = f.get('services');
  if (svc) {
    for (const { value } of reader.list('services', svc.value)) {
      if (isSafeServiceName(value)) services.push(value);
      else report(`unsafe service name ${JSON.stringify(value)} in remlite_services`);
    }
  }
  f.delete('services');
  return { services: [...new Set(services)], checks: mergeChecks({}, readChecks(reader, f), []) };
}

function containsVault(value: AnsibleValue): boolean {
  if (value === VAULTED) return true;
  if (Array.isArray(value)) return value.some(containsVault);
  if (value && typeof value === 'object') return Object.values(value).some(containsVault);
  return false;
}

import { isIP } from 'node:net';
import path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { HostChecks, LogSource, Machine, SshTarget } from '../src/model/index.js';
import { isSafeServiceName } from '../src/util/shell-quote.js';
import { CHECK_KEY_NAMES, mergeChecks, readChecks, type CheckReader } from './inventory-checks.js';
import { InventoryError, type InventoryIssue } from './inventory-error.js';
import { closest } from '../src/util/config-error.js';
import {
  defaultIdentityFiles,
  defaultKnownHostsFiles,
  expandTilde,
  parseJumpSpec,
  parsePort,
  type ProviderEnv,
} from './ssh-defaults.js';

const TOP_KEYS = ['defaults', 'hosts'];
const DEFAULT_KEYS = ['user', 'port', 'key', 'keys', 'known_hosts', 'site', 'pool', 'role', ...CHECK_KEY_NAMES];
const HOST_KEYS = ['name', 'address', 'port', 'user', 'key', 'keys', 'known_hosts', 'pool', 'role', 'site', 'jump', 'services', 'logs', ...CHECK_KEY_NAMES];

const NAME_RE = /^[A-Za-z0-9._-]+$/;
const DNS_RE = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;
const USER_RE = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/;

/** Settings shared by defaults and hosts (all optional). */
interface Common {
  user?: string;
  port?: number;
  keys?: string[];
  knownHosts?: string[];
  site?: string;
  pool?: string;
  role?: string;
  /** Check keys set here (configs, perm_files, data, modules, databases, cleanup). */
  checks: Partial<HostChecks>;
}

interface HostSpec extends Common {
  name: string;
  address: string;
  line: number;
  jump?: { text: string; node: Node };
  services: string[];
  logs: string[];
}

interface Ctx {
  file: string;
  doc: Document;
  lines: LineCounter;
  issues: InventoryIssue[];
  env: ProviderEnv;
  /** Relative key / known_hosts paths are taken relative to the inventory's directory. */
  baseDir: string;
}

function position(ctx: Ctx, node: Node | null | undefined): { line: number; column: number } {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lines.linePos(offset);
  return { line, column: col };
}

function report(ctx: Ctx, node: Node | null | undefined, reason: string, hint: string): void {
  ctx.issues.push({ file: ctx.file, ...position(ctx, node), reason, hint });
}

function deref(ctx: Ctx, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(ctx.doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
}

/** The key/value nodes of a mapping, reporting keys that are not allowed. */
function fields(ctx: Ctx, map: Node, allowed: readonly string[], what: string): Map<string, { key: Node; value: Node | null }> {
  const out = new Map<string, { key: Node; value: Node | null }>();
  if (!isMap(map)) return out;
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      report(ctx, keyNode, `${what} has a key that is not a plain word`, 'use simple keys such as "name:" or "address:"');
      continue;
    }
    if (!allowed.includes(key)) {
      const guess = closest(key, allowed);
      report(
        ctx,
        keyNode,
        `unknown key "${key}" in ${what}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        `allowed keys: ${allowed.join(', ')}`,
      );
      continue;
    }
    out.set(key, { key: keyNode, value: deref(ctx, pair.value) });
  }
  return out;
}

function readString(ctx: Ctx, key: string, node: Node | null): string | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value.trim();
  const got = isScalar(node) ? (node.value === null ? 'nothing' : `the ${typeof node.value} ${String(node.value)}`) : isSeq(node) ? 'a list' : 'a mapping';
  report(ctx, node, `"${key}" must be a non-empty string, got ${got}`, `write ${key}: "<text>" (quote values that look like numbers)`);
  return undefined;
}

function readPort(ctx: Ctx, node: Node | null): number | undefined {
  const port = isScalar(node) && typeof node.value === 'number' ? parsePort(node.value) : undefined;
  if (port === undefined) {
    report(ctx, node, `bad port ${isScalar(node) ? JSON.stringify(node.value) : '(not a number)'}`, 'use a whole number from 1 to 65535, e.g. port: 22');
  }
  return port;
}

/** A string or a list of strings (key: a / keys: [a, b] / services: [x]). */
function readList(ctx: Ctx, key: string, node: Node | null, allowSingle: boolean): { value: string; node: Node }[] {
  const items: { value: string; node: Node }[] = [];
  if (allowSingle && isScalar(node)) {
    const value = readString(ctx, key, node);
    return value === undefined ? [] : [{ value, node }];
  }
  if (!isSeq(node)) {
    report(ctx, node, `"${key}" must be a list`, `write ${key}: [a, b] or one "- item" per line`);
    return items;
  }
  for (const raw of node.items) {
    const item = deref(ctx, raw);
    const value = readString(ctx, key, item);
    if (value !== undefined && item) items.push({ value, node: item });
  }
  return items;
}

function readPathList(ctx: Ctx, key: string, node: Node | null): string[] {
  return readList(ctx, key, node, true).map(({ value }) => path.resolve(ctx.baseDir, expandTilde(value, ctx.env.home)));
}

function checkReader(ctx: Ctx): CheckReader {
  return {
    list: (key, node) => readList(ctx, key, node, true),
    string: (key, node) => readString(ctx, key, node),
    fields: (map, allowed, what) => fields(ctx, map, allowed, what),
    items: (node) => (isSeq(node) ? node.items.map((item) => deref(ctx, item)) : undefined),
    report: (node, reason, hint) => report(ctx, node, reason, hint),
  };
}

function readCommon(ctx: Ctx, f: Map<string, { key: Node; value: Node | null }>): Common {
  const c: Common = { checks: readChecks(checkReader(ctx), f) };
  const user = f.get('user');
  if (user) {
    const value = readString(ctx, 'user', user.value);
    if (value !== undefined && !USER_RE.test(value)) {
      report(ctx, user.value, `bad user name "${value}"`, 'use a login name of letters, digits, ".", "_" or "-"');
    } else if (value !== undefined) c.user = value;
  }
  const port = f.get('port');
  if (port) {
    const value = readPort(ctx, port.value);
    if (value !== undefined) c.port = value;
  }
  const key = f.get('key');
  const keys = f.get('keys');
  if (key && keys) report(ctx, keys.key, 'both "key" and "keys" are set', 'keep one: key: <file> or keys: [<file>, <file>]');
  else if (key || keys) c.keys = readPathList(ctx, key ? 'key' : 'keys', (key ?? keys)!.value);
  const known = f.get('known_hosts');
  if (known) c.knownHosts = readPathList(ctx, 'known_hosts', known.value);
  for (const k of ['site', 'pool', 'role'] as const) {
    const entry = f.get(k);
    if (!entry) continue;
    const value = readString(ctx, k, entry.value);
    if (value !== undefined) c[k] = value;
  }
  return c;
}

function readHost(ctx: Ctx, node: Node): HostSpec | undefined {
  const where = position(ctx, node);
  if (!isMap(node)) {
    report(ctx, node, 'each entry of "hosts" must be a mapping', 'start each host with "- name: <name>" followed by "address: <ip or dns name>"');
    return undefined;
  }
  const f = fields(ctx, node, HOST_KEYS, 'a host');
  const common = readCommon(ctx, f);
  const nameField = f.get('name');
  const addressField = f.get('address');
  let name: string | undefined;
  if (!nameField) {
    report(ctx, node, 'host without a "name"', 'add name: <unique name> (letters, digits, ".", "_", "-")');
  } else {
    name = readString(ctx, 'name', nameField.value);
    if (name !== undefined && !NAME_RE.test(name)) {
      report(ctx, nameField.value, `bad host name "${name}"`, 'use only letters, digits, ".", "_" and "-"');
      name = undefined;
    }
  }
  let address: string | undefined;
  if (!addressField) {
    report(ctx, node, `host ${name ? `"${name}" ` : ''}without an "address"`, 'add address: <IP address or DNS name>');
  } else {
    address = readString(ctx, 'address', addressField.value);
    if (address !== undefined && !isIP(address) && !DNS_RE.test(address)) {
      report(ctx, addressField.value, `"${address}" is neither an IP address nor a DNS name`, 'write the IP (10.0.0.5) or DNS name (web1.example.com) of the host');
      address = undefined;
    }
  }
  const services: string[] = [];
  const servicesField = f.get('services');
  if (servicesField) {
    for (const { value, node: item } of readList(ctx, 'services', servicesField.value, false)) {
      if (isSafeServiceName(value)) services.push(value);
      else report(ctx, item, `unsafe service name "${value}"`, 'use a systemd unit or init.d name: letters, digits and _ . @ : + - only');
    }
  }
  const logs: string[] = [];
  const logsField = f.get('logs');
  if (logsField) {
    for (const { value, node: item } of readList(ctx, 'logs', logsField.value, false)) {
      if (!path.posix.isAbsolute(value)) report(ctx, item, `log path "${value}" is relative`, 'write the absolute path on the host, e.g. /var/log/syslog');
      else if (/[\x00-\x1f\x7f]/.test(value)) report(ctx, item, 'log path contains control characters', 'remove them from the path');
      else logs.push(path.posix.normalize(value));
    }
  }
  let jump: HostSpec['jump'];
  const jumpField = f.get('jump');
  if (jumpField) {
    const text = readString(ctx, 'jump', jumpField.value);
    if (text !== undefined && jumpField.value) jump = { text, node: jumpField.value };
  }
  if (name === undefined || address === undefined) return undefined;
  const spec: HostSpec = { ...common, name, address, line: where.line, services, logs };
  if (jump) spec.jump = jump;
  return spec;
}

function parseYaml(ctx: Omit<Ctx, 'doc'>, text: string): Document | undefined {
  const doc = parseDocument(text, { lineCounter: ctx.lines, prettyErrors: false, uniqueKeys: true });
  for (const err of doc.errors) {
    // Errors found at the end of input (unclosed quote or bracket) point past the last line: show the last text instead.
    const offset = text.slice(err.pos[0]).trim() === '' ? Math.max(0, text.trimEnd().length - 1) : err.pos[0];
    const { line, col } = ctx.lines.linePos(offset);
    ctx.issues.push({
      file: ctx.file,
      line,
      column: col,
      reason: `YAML syntax error: ${err.message.split('\n')[0]}`,
      hint: 'fix the YAML syntax (indent with spaces, "key: value", lists with "- ")',
    });
  }
  return doc.errors.length ? undefined : doc;
}

/**
 * Parses the text of an inventory file into machines. Pure apart from env.fileExists (used only for
 * default identity / known_hosts files). Throws InventoryError listing every problem found.
 */
export function parseInventory(text: string, file: string, env: ProviderEnv): Machine[] {
  const base = { file, lines: new LineCounter(), issues: [] as InventoryIssue[], env, baseDir: path.dirname(path.resolve(file)) };
  const doc = parseYaml(base, text);
  if (!doc) throw new InventoryError(base.issues);
  const ctx: Ctx = { ...base, doc };
  const root = deref(ctx, doc.contents);
  if (!isMap(root)) {
    report(ctx, root, 'the inventory must be a mapping with a "hosts" list', 'start the file with "hosts:" and list the hosts under it (see docs/inventory.md)');
    throw new InventoryError(ctx.issues);
  }
  const top = fields(ctx, root, TOP_KEYS, 'the inventory');
  let defaults: Common = { checks: {} };
  const defaultsField = top.get('defaults');
  if (defaultsField) {
    if (isMap(defaultsField.value)) defaults = readCommon(ctx, fields(ctx, defaultsField.value, DEFAULT_KEYS, '"defaults"'));
    else if (!(isScalar(defaultsField.value) && defaultsField.value.value === null)) {
      report(ctx, defaultsField.value ?? defaultsField.key, '"defaults" must be a mapping', 'indent user:, port:, key:, site:, pool: under "defaults:"');
    }
  }
  const specs: HostSpec[] = [];
  const hostsField = top.get('hosts');
  if (!hostsField) {
    report(ctx, root, 'no "hosts" list', 'add "hosts:" with one "- name: ... address: ..." entry per host');
  } else if (isSeq(hostsField.value)) {
    const seen = new Map<string, number>();
    for (const raw of hostsField.value.items) {
      const node = deref(ctx, raw);
      const spec = node ? readHost(ctx, node) : undefined;
      if (!spec) continue;
      const first = seen.get(spec.name);
      if (first !== undefined) {
        report(ctx, node, `duplicate host name "${spec.name}" (lines ${first} and ${spec.line})`, 'give every host a unique name');
        continue;
      }
      seen.set(spec.name, spec.line);
      specs.push(spec);
    }
  } else if (!(isScalar(hostsField.value) && hostsField.value.value === null)) {
    report(ctx, hostsField.value ?? hostsField.key, '"hosts" must be a list', 'write one "- name: ... address: ..." entry per host under "hosts:"');
  }
  const machines = buildMachines(ctx, specs, defaults);
  if (ctx.issues.length) {
    ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new InventoryError(ctx.issues);
  }
  return machines;
}

function buildMachines(ctx: Ctx, specs: HostSpec[], defaults: Common): Machine[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const direct = new Map<string, SshTarget>();
  for (const s of specs) {
    direct.set(s.name, {
      host: s.address,
      port: s.port ?? defaults.port ?? 22,
      user: s.user ?? defaults.user ?? ctx.env.localUser,
      identityFiles: s.keys ?? defaults.keys ?? defaultIdentityFiles(ctx.env),
      knownHostsFiles: s.knownHosts ?? defaults.knownHosts ?? defaultKnownHostsFiles(ctx.env),
    });
  }
  const resolved = new Map<string, SshTarget | null>();
  const resolve = (name: string, chain: string[]): SshTarget | null => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const spec = byName.get(name)!;
    const own = direct.get(name)!;
    let target: SshTarget | null = own;
    if (spec.jump) {
      const jump = resolveJump(spec, own, [...chain, name]);
      target = jump === null ? null : { ...own, jump };
    }
    resolved.set(name, target);
    return target;
  };
  const resolveJump = (spec: HostSpec, own: SshTarget, chain: string[]): SshTarget | null => {
    const { text, node } = spec.jump!;
    const parsed = byName.has(text) ? { host: text } : parseJumpSpec(text);
    if (!parsed) {
      report(ctx, node, `bad jump "${text}"`, 'name another inventory host or write user@host[:port]');
      return null;
    }
    if (byName.has(parsed.host)) {
      if (chain.includes(parsed.host)) {
        const cycle = [...chain.slice(chain.indexOf(parsed.host)), parsed.host];
        report(ctx, node, `jump cycle: ${cycle.join(' → ')}`, 'break the loop: one of these hosts must be reachable without a jump');
        return null;
      }
      const hop = resolve(parsed.host, chain);
      if (!hop) return null;
      return { ...hop, user: parsed.user ?? hop.user, port: parsed.port ?? hop.port };
    }
    if (parsed.user === undefined) {
      report(ctx, node, `jump to unknown host "${text}"`, 'name another inventory host, or write user@host[:port] for a host outside the inventory');
      return null;
    }
    return { host: parsed.host, port: parsed.port ?? 22, user: parsed.user, identityFiles: own.identityFiles, knownHostsFiles: own.knownHostsFiles };
  };

  const machines: Machine[] = [];
  for (const s of specs) {
    const ssh = resolve(s.name, []);
    if (!ssh) continue;
    const logs: LogSource[] = [
      ...s.services.map((svc): LogSource => ({ id: `unit:${svc}`, kind: 'unit', target: svc })),
      ...s.logs.map((file): LogSource => ({ id: `file:${file}`, kind: 'file', target: file })),
    ];
    machines.push({
      id: s.name,
      name: s.name,
      provider: 'datacenter',
      site: s.site ?? defaults.site ?? 'datacenter',
      pool: s.pool ?? defaults.pool ?? 'default',
      role: s.role ?? defaults.role ?? '',
      ssh,
      services: [...new Set(s.services)],
      logs: dedupeById(logs),
      origin: `${ctx.file}:${s.line}`,
      checks: mergeChecks(defaults.checks, s.checks, s.logs),
    });
  }
  return machines;
}

function dedupeById(logs: LogSource[]): LogSource[] {
  const seen = new Set<string>();
  return logs.filter((l) => !seen.has(l.id) && seen.add(l.id));
}

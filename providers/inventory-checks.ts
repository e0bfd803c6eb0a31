import path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import type { ConfigDecl, DatabaseDecl, HealthCheckDecl, HostChecks } from '../src/model/index.js';
import { parseHealthUrl } from '../src/util/health-url.js';
import { NO_CHECKS } from '../src/model/index.js';
import { isSafeServiceName } from '../src/util/shell-quote.js';

/** Inventory keys that declare checks (allowed in defaults and hosts), and the HostChecks field each fills. */
export const CHECK_KEYS = {
  configs: 'configs',
  perm_files: 'permFiles',
  data: 'dataPaths',
  modules: 'modules',
  databases: 'databases',
  cleanup: 'cleanupPaths',
  health: 'health',
} as const satisfies Record<string, keyof HostChecks>;
export type CheckKey = keyof typeof CHECK_KEYS;
export const CHECK_KEY_NAMES = Object.keys(CHECK_KEYS) as CheckKey[];

const MODULE_RE = /^[A-Za-z0-9_-]+$/;
const DB_RE = /^[A-Za-z0-9_]+$/;
const CONFIG_KEYS = ['path', 'service', 'test'];

/** What inventory-parse lends the check reader: its list reader, field splitter and error reporter. */
export interface CheckReader {
  list(key: string, node: Node | null): { value: string; node: Node }[];
  string(key: string, node: Node | null): string | undefined;
  fields(map: Node, allowed: readonly string[], what: string): Map<string, { key: Node; value: Node | null }>;
  items(node: Node | null): (Node | null)[] | undefined;
  report(node: Node | null | undefined, reason: string, hint: string): void;
}

function absolutePath(r: CheckReader, key: string, value: string, node: Node | null): string | undefined {
  if (!path.posix.isAbsolute(value)) {
    r.report(node, `${key} path "${value}" is relative`, 'write the absolute path on the host, e.g. /etc/ssh/sshd_config');
    return undefined;
  }
  if (/[\x00-\x1f\x7f]/.test(value)) {
    r.report(node, `${key} path contains control characters`, 'remove them from the path');
    return undefined;
  }
  return path.posix.normalize(value);
}

function readPaths(r: CheckReader, key: string, node: Node | null): string[] {
  const out: string[] = [];
  for (const { value, node: item } of r.list(key, node)) {
    const p = absolutePath(r, key, value, item);
    if (p !== undefined) out.push(p);
  }
  return [...new Set(out)];
}

function readConfig(r: CheckReader, node: Node | null): ConfigDecl | undefined {
  if (isScalar(node)) {
    const value = r.string('configs', node);
    const p = value === undefined ? undefined : absolutePath(r, 'configs', value, node);
    return p === undefined ? undefined : { path: p };
  }
  if (!node || !isMap(node)) {
    r.report(node, 'each entry of "configs" must be a path or a mapping', 'write - /etc/x.conf or - { path: /etc/x.conf, service: x, test: "x -t" }');
    return undefined;
  }
  const f = r.fields(node, CONFIG_KEYS, 'a config');
  const pathField = f.get('path');
  if (!pathField) {
    r.report(node, 'config without a "path"', 'add path: <absolute path of the config file>');
    return undefined;
  }
  const value = r.string('path', pathField.value);
  const p = value === undefined ? undefined : absolutePath(r, 'configs', value, pathField.value);
  const decl: ConfigDecl | undefined = p === undefined ? undefined : { path: p };
  const serviceField = f.get('service');
  if (serviceField) {
    const service = r.string('service', serviceField.value);
    if (service !== undefined && !isSafeServiceName(service)) {
      r.report(serviceField.value, `unsafe service name "${service}"`, 'use a systemd unit or init.d name: letters, digits and _ . @ : + - only');
    } else if (service !== undefined && decl) decl.service = service;
  }
  const testField = f.get('test');
  if (testField) {
    const test = r.string('test', testField.value);
    if (test !== undefined && /[\x00-\x1f\x7f]/.test(test)) {
      r.report(testField.value, 'config test command spans lines or holds control characters', 'write the test as one line, e.g. test: "nginx -t"');
    } else if (test !== undefined && decl) {
      if (!serviceField) r.report(testField.key, 'config "test" without a "service"', 'add service: <unit> (the test runs for that service)');
      else decl.test = test;
    }
  }
  return decl;
}

function readNames(r: CheckReader, key: string, node: Node | null, re: RegExp, what: string, hint: string): string[] {
  const out: string[] = [];
  for (const { value, node: item } of r.list(key, node)) {
    if (re.test(value)) out.push(value);
    else r.report(item, `bad ${what} name "${value}"`, hint);
  }
  return [...new Set(out)];
}

const HEALTH_KEYS = ['service', 'http', 'expect', 'tcp', 'host', 'cmd', 'max'];
const HEALTH_HINT = 'write - { service: apache2, http: "http://127.0.0.1/health", expect: 200 }, - { service: mariadb, tcp: 3306 } or - { service: postfix, cmd: "postqueue -j | wc -l", max: 100 }';

/** A whole number in [min, max] from a scalar (YAML number or digits). */
function integerOf(node: Node | null, min: number, max: number): number | undefined {
  if (!isScalar(node)) return undefined;
  const v = typeof node.value === 'string' && /^\d{1,15}$/.test(node.value) ? Number(node.value) : node.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
}

/** One `health:` entry: a service and exactly one of http (+ expect), tcp (+ host), cmd (+ max). */
function readHealth(r: CheckReader, node: Node | null): HealthCheckDecl | undefined {
  if (!node || !isMap(node)) {
    r.report(node, 'each entry of "health" must be a mapping', HEALTH_HINT);
    return undefined;
  }
  const f = r.fields(node, HEALTH_KEYS, 'a health check');
  const serviceField = f.get('service');
  const service = serviceField ? r.string('service', serviceField.value) : undefined;
  if (!service || !isSafeServiceName(service)) {
    r.report(serviceField?.value ?? node, service ? `unsafe service name "${service}"` : 'health check without a "service"', 'name the systemd unit it checks: letters, digits and _ . @ : + - only');
    return undefined;
  }
  const kinds = (['http', 'tcp', 'cmd'] as const).filter((k) => f.has(k));
  if (kinds.length !== 1) {
    r.report(node, `a health check needs exactly one of http, tcp or cmd (got ${kinds.join(', ') || 'none'})`, HEALTH_HINT);
    return undefined;
  }
  const extra = (key: string, allowedWith: string): boolean => {
    if (!f.has(key) || kinds[0] === allowedWith) return false;
    r.report(f.get(key)?.key, `"${key}" belongs to ${allowedWith} health checks`, HEALTH_HINT);
    return true;
  };
  if (extra('expect', 'http') || extra('host', 'tcp') || extra('max', 'cmd')) return undefined;
  if (kinds[0] === 'http') {
    const url = r.string('http', f.get('http')?.value ?? null);
    if (url === undefined || !parseHealthUrl(url)) {
      r.report(f.get('http')?.value, `health URL "${url ?? ''}" is not a plain http://host[:port]/path`, 'https and user:password@ are not checked; write e.g. http://127.0.0.1/health');
      return undefined;
    }
    const expectField = f.get('expect');
    if (!expectField) return { service, http: url };
    const expect = integerOf(expectField.value, 100, 599);
    if (expect === undefined) {
      r.report(expectField.value, '"expect" must be an HTTP status (100-599)', 'e.g. expect: 200');
      return undefined;
    }
    return { service, http: url, expect };
  }
  if (kinds[0] === 'tcp') {
    const port = integerOf(f.get('tcp')?.value ?? null, 1, 65535);
    if (port === undefined) {
      r.report(f.get('tcp')?.value, '"tcp" must be a port number (1-65535)', 'e.g. tcp: 3306');
      return undefined;
    }
    const hostField = f.get('host');
    if (!hostField) return { service, tcp: port };
    const host = r.string('host', hostField.value);
    if (host === undefined || !/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/.test(host)) {
      r.report(hostField.value, `"${host ?? ''}" is not a host name or address`, 'e.g. host: 127.0.0.1');
      return undefined;
    }
    return { service, tcp: port, host };
  }
  const cmd = r.string('cmd', f.get('cmd')?.value ?? null);
  if (cmd === undefined || !cmd.trim() || /[\x00-\x1f\x7f]/.test(cmd)) {
    r.report(f.get('cmd')?.value, 'health "cmd" must be one line of shell', 'e.g. cmd: "postqueue -j | wc -l"');
    return undefined;
  }
  const maxField = f.get('max');
  if (!maxField) return { service, cmd };
  const max = integerOf(maxField.value, 0, Number.MAX_SAFE_INTEGER);
  if (max === undefined) {
    r.report(maxField.value, '"max" must be a whole number', 'e.g. max: 100 (the command prints one number)');
    return undefined;
  }
  return { service, cmd, max };
}

/** The check keys present in one defaults or host mapping; absent keys are left out. */
export function readChecks(r: CheckReader, f: Map<string, { key: Node; value: Node | null }>): Partial<HostChecks> {
  const c: Partial<HostChecks> = {};
  const configs = f.get('configs');
  if (configs) {
    const items = r.items(configs.value);
    if (!items) r.report(configs.value, '"configs" must be a list', 'write one "- <path>" or "- { path: ..., service: ... }" per line');
    else {
      const decls = items.map((item) => readConfig(r, item)).filter((d): d is ConfigDecl => d !== undefined);
      const seen = new Set<string>();
      c.configs = decls.filter((d) => !seen.has(d.path) && seen.add(d.path));
    }
  }
  const perm = f.get('perm_files');
  if (perm) c.permFiles = readPaths(r, 'perm_files', perm.value);
  const data = f.get('data');
  if (data) c.dataPaths = readPaths(r, 'data', data.value);
  const cleanup = f.get('cleanup');
  if (cleanup) c.cleanupPaths = readPaths(r, 'cleanup', cleanup.value);
  const modules = f.get('modules');
  if (modules) c.modules = readNames(r, 'modules', modules.value, MODULE_RE, 'kernel module', 'use the module name as lsmod prints it: letters, digits, "_" and "-"');
  const dbs = f.get('databases');
  if (dbs) {
    c.databases = readNames(r, 'databases', dbs.value, DB_RE, 'database', 'use a plain database name: letters, digits and "_"').map(
      (name): DatabaseDecl => ({ engine: 'mysql', name }),
    );
  }
  const health = f.get('health');
  if (health) {
    const items = r.items(health.value);
    if (!items) r.report(health.value, '"health" must be a list', HEALTH_HINT);
    else c.health = items.map((item) => readHealth(r, item)).filter((h): h is HealthCheckDecl => h !== undefined);
  }
  return c;
}

/**
 * A host's checks: each key set on the host replaces the same key of defaults; declared log files
 * are watched for permission changes too. NO_CHECKS when nothing is declared.
 */
export function mergeChecks(defaults: Partial<HostChecks>, host: Partial<HostChecks>, logFiles: readonly string[]): HostChecks {
  const pick = <K extends keyof HostChecks>(k: K): HostChecks[K] => host[k] ?? defaults[k] ?? NO_CHECKS[k];
  const checks: HostChecks = {
    configs: [...pick('configs')],
    permFiles: [...new Set([...pick('permFiles'), ...logFiles])],
    dataPaths: [...pick('dataPaths')],
    modules: [...pick('modules')],
    databases: [...pick('databases')],
    cleanupPaths: [...pick('cleanupPaths')],
  };
  const health = host.health ?? defaults.health;
  if (health?.length) checks.health = [...health];
  const empty = Object.values(checks).every((v: unknown[]) => v.length === 0);
  return empty ? NO_CHECKS : checks;
}

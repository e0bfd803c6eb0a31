import { renameSync } from 'node:fs';
import Conf, { type Schema } from 'conf';
import { confLocation, settingsFilePath } from './paths.js';
import { NOTIFY_MODES, type Ec2Settings, type NotifyMode, type PrometheusSettings } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

export interface Settings {
  pollIntervalMs: number;
  probeTimeoutMs: number;
  /** A host answering slower than this shows as "slow". */
  slowThresholdMs: number;
  /** Most SSH connections / probes in flight at once. */
  maxConcurrent: number;
  /** Lines kept per open log. */
  logScrollback: number;
  inventoryPath?: string;
  /** Ansible inventory files or directories (README "Already using Ansible?"). */
  ansibleInventories?: string[];
  /** Ansible groups that become a host's pool, in order of preference. */
  ansiblePoolGroups?: string[];
  /** How Ansible inventories are read: ansible-inventory when installed (auto), always, or never (built-in). */
  ansibleReader: 'auto' | 'ansible-inventory' | 'built-in';
  theme: string;
  /** disk.cleanup deletes only files older than this many days (rotated logs and declared cleanup paths). */
  cleanupMinAgeDays: number;
  /** Seconds between two runs of the heavy checks on a host (package verify, learned database tables); 0 = every poll. */
  heavyCheckIntervalSec: number;
  /** EC2 provider (docs/ec2.md); off unless enabled here or by --ec2 / --profile / --region. */
  ec2?: Ec2Settings;
  /** Prometheus provider (README "Large fleets: Prometheus"); off unless urls are set here or --prometheus is given. */
  prometheus?: PrometheusSettings;
  /** The audit log is rotated (renamed `audit.log.1`) before it would grow past this. */
  auditMaxBytes: number;
  /** Rotated audit logs kept (`audit.log.1` … `audit.log.N`); the oldest beyond is deleted. */
  auditKeepFiles: number;
  /** How the console signals a host turning critical (a terminal bell, OSC 9 / OSC 777 desktop notifications); off by default. */
  notify: NotifyMode;
  /** How far back each host's trends (sparklines, disk fill rate) reach, in minutes. */
  trendMinutes: number;
  /** On a log host, a sender learned at accept whose file was not written for this many seconds is silent. */
  logSilentAfterSec: number;
}

export const SETTINGS_DEFAULTS: Readonly<Omit<Settings, 'inventoryPath' | 'ec2' | 'prometheus' | 'ansibleInventories' | 'ansiblePoolGroups'>> = Object.freeze({
  pollIntervalMs: 5000,
  probeTimeoutMs: 10000,
  slowThresholdMs: 2000,
  maxConcurrent: 64,
  logScrollback: 5000,
  ansibleReader: 'auto',
  theme: 'default',
  cleanupMinAgeDays: 7,
  heavyCheckIntervalSec: 300,
  auditMaxBytes: 50 * 1024 * 1024,
  auditKeepFiles: 5,
  notify: 'off',
  trendMinutes: 60,
  logSilentAfterSec: 7200,
});

const int = (minimum: number, maximum: number, def: number) => ({ type: 'integer', minimum, maximum, default: def }) as const;

const name = { type: 'string', pattern: '^[A-Za-z0-9_.+=,@:-]{1,64}$' } as const;
const region = { type: 'string', pattern: '^[a-z0-9-]{1,40}$' } as const;
const EC2_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    accounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name,
          profile: name,
          regions: { oneOf: [{ type: 'array', items: region }, { const: 'all' }] },
          ssh: { type: 'object', additionalProperties: false, properties: { probe: { type: 'boolean' } } },
        },
      },
    },
    tagKeys: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['name', 'pool', 'role', 'user'].map((k) => [k, { type: 'string', minLength: 1, maxLength: 128 }])),
    },
    ssh: {
      type: 'object',
      additionalProperties: false,
      properties: {
        probe: { type: 'boolean' },
        address: { enum: ['private', 'public'] },
        user: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        key: { type: 'string', minLength: 1 },
        jump: { type: 'string', minLength: 1 },
        knownHosts: { type: 'string', minLength: 1 },
      },
    },
    refreshSec: { type: 'number', minimum: 5, maximum: 3600 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
  },
} as const;

const secretFrom = (fileKey: string, envKey: string) => ({ [fileKey]: { type: 'string', minLength: 1 }, [envKey]: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' } });
const PROMETHEUS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    urls: { type: 'array', items: { type: 'string', pattern: '^https?://' } },
    job: { type: 'string', minLength: 1, maxLength: 256 },
    labels: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['name', 'pool', 'site', 'role', 'address'].map((k) => [k, { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$' }])),
    },
    services: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9:_.@-]{1,200}$' } },
    basicAuth: { type: 'object', additionalProperties: false, required: ['user'], properties: { user: { type: 'string', minLength: 1 }, ...secretFrom('passwordFile', 'passwordEnv') } },
    bearerToken: { type: 'object', additionalProperties: false, properties: secretFrom('file', 'env') },
    caFile: { type: 'string', minLength: 1 },
    refreshSec: { type: 'number', minimum: 1, maximum: 3600 },
    timeoutSec: { type: 'number', minimum: 1, maximum: 600 },
    ssh: {
      type: 'object',
      additionalProperties: false,
      properties: {
        user: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        key: { type: 'string', minLength: 1 },
        knownHosts: { type: 'string', minLength: 1 },
      },
    },
    sshIdleMin: { type: 'number', minimum: 0.05, maximum: 1440 },
    alertmanagerUrls: { type: 'array', items: { type: 'string', pattern: '^https?://' } },
  },
} as const;

export const SETTINGS_SCHEMA: Schema<Settings> = {
  pollIntervalMs: int(500, 3_600_000, SETTINGS_DEFAULTS.pollIntervalMs),
  probeTimeoutMs: int(1000, 600_000, SETTINGS_DEFAULTS.probeTimeoutMs),
  slowThresholdMs: int(1, 600_000, SETTINGS_DEFAULTS.slowThresholdMs),
  maxConcurrent: int(1, 4096, SETTINGS_DEFAULTS.maxConcurrent),
  logScrollback: int(100, 1_000_000, SETTINGS_DEFAULTS.logScrollback),
  inventoryPath: { type: 'string', minLength: 1 },
  ansibleInventories: { type: 'array', items: { type: 'string', minLength: 1 } },
  ansiblePoolGroups: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' } },
  ansibleReader: { enum: ['auto', 'ansible-inventory', 'built-in'], default: SETTINGS_DEFAULTS.ansibleReader },
  theme: { type: 'string', minLength: 1, default: SETTINGS_DEFAULTS.theme },
  cleanupMinAgeDays: int(1, 3650, SETTINGS_DEFAULTS.cleanupMinAgeDays),
  heavyCheckIntervalSec: int(0, 86_400, SETTINGS_DEFAULTS.heavyCheckIntervalSec),
  ec2: EC2_SCHEMA,
  prometheus: PROMETHEUS_SCHEMA,
  auditMaxBytes: int(64 * 1024, 64 * 1024 ** 3, SETTINGS_DEFAULTS.auditMaxBytes),
  auditKeepFiles: int(1, 1000, SETTINGS_DEFAULTS.auditKeepFiles),
  notify: { enum: [...NOTIFY_MODES], default: SETTINGS_DEFAULTS.notify },
  trendMinutes: int(1, 1440, SETTINGS_DEFAULTS.trendMinutes),
  logSilentAfterSec: int(1, 30 * 86_400, SETTINGS_DEFAULTS.logSilentAfterSec),
};

/** JSON.parse that also refuses a file that is valid JSON but not an object (conf would merge it). */
function parseObject(text: string): Settings {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('the file is JSON but not an object');
  return value as Settings;
}

/**
 * Where JSON.parse gave up, without its quote of the file: that quote holds the file's raw bytes
 * (escape sequences included), which must not reach a terminal.
 */
function jsonErrorPlace(message: string): string {
  const at = /at position (\d+)/.exec(message);
  if (at) return ` (at character ${at[1]})`;
  return /Unexpected end of JSON input/.test(message) ? ' (it ends too early)' : '';
}

function isUnusable(err: unknown): err is Error {
  return err instanceof Error && (err.name === 'SyntaxError' || err.message.startsWith('Config schema violation:'));
}

export interface SettingsStore {
  readonly path: string;
  /** Problems met while opening (a corrupt file moved aside...), for the status bar. */
  readonly warnings: string[];
  get<K extends keyof Settings>(key: K): Settings[K];
  /** Throws when the value breaks the schema. */
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
  all(): Settings;
}

/**
 * Opens the settings (conf, JSON, schema-checked, defaults filled in). A file that does not parse
 * or breaks the schema is never overwritten: it is renamed `<file>.corrupt-<timestamp>`, reported,
 * and remlite starts from the defaults.
 */
export function openSettings(opts: { env?: NodeJS.ProcessEnv; now?: () => Date } = {}): SettingsStore {
  const env = opts.env ?? process.env;
  const warnings: string[] = [];
  const options = { ...confLocation(env), schema: SETTINGS_SCHEMA, configFileMode: 0o600, deserialize: parseObject, clearInvalidConfig: false };
  let conf: Conf<Settings>;
  try {
    conf = new Conf<Settings>(options);
  } catch (err) {
    if (!isUnusable(err)) throw err;
    const file = settingsFilePath(env);
    const stamp = (opts.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const aside = `${file}.corrupt-${stamp}`;
    renameSync(file, aside);
    const why = err.name === 'SyntaxError' ? `is not valid JSON${jsonErrorPlace(err.message)}` : `has invalid values (${sanitizeLine(err.message.replace('Config schema violation: ', '')).slice(0, 300)})`;
    warnings.push(`settings file ${file} ${why}; moved it to ${aside} and started from the defaults`);
    conf = new Conf<Settings>(options);
  }
  return {
    path: conf.path,
    warnings,
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    all: () => ({ ...SETTINGS_DEFAULTS, ...conf.store }),
  };
}

import { join } from 'node:path';
import type { Machine, NotifyMode } from '../model/index.js';
import type { CliArgs } from './args.js';
import { operatorName, type ConsoleOptions } from '../app/console.js';
import { loadFleet } from '../../providers/index.js';
import { InventoryError } from '../../providers/datacenter.js';
import { openSettings } from '../persist/settings.js';
import { startupMark } from './startup-trace.js';
import { prepareAuditLog } from '../persist/audit-check.js';
import { configDir, settingsFilePath, stateDir } from '../persist/paths.js';
import { StatePathRefused } from '../persist/no-follow.js';
import { prepareSettingsFile, prepareStateDir, tightenedWarning } from '../persist/state-dir.js';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { Ec2ConfigError, resolveEc2Config } from '../../providers/ec2/config.js';
import { missingProfileMessage } from '../../providers/ec2/profiles.js';
import { PrometheusConfigError, resolvePrometheusConfig } from '../../providers/prometheus/config.js';
import { loadUserActions } from '../actions/user/load-actions.js';

/** A problem that stops remlite before the console opens; the message says what to do. */
export class StartupError extends Error {}

export interface Startup {
  options: ConsoleOptions;
  warnings: string[];
  providers: Record<string, { ok: boolean; message?: string; machines: number }>;
  theme: string;
  /** Mouse wheel scrolling in the console (--mouse). */
  mouse: boolean;
  /** How a host turning critical is signalled (--notify, else the notify setting). */
  notify: NotifyMode;
  /** Files the static fleet comes from, watched for edits, and how to read them again. */
  fleetFiles: string[];
  reloadFleet(): Promise<Machine[]>;
}

/** Reads settings, inventory and ssh config into the options the console core starts from. */
export async function loadStartup(args: CliArgs): Promise<Startup> {
  startupMark('main');
  const settingsCheck = refusalsStop(() => prepareSettingsFile(settingsFilePath()));
  const settingsStore = openSettings();
  startupMark('settings');
  const settings = settingsStore.all();
  const settingsWarnings = settingsStore.warnings;
  const defaultInventory = join(configDir(), 'inventory.yaml');
  const inventoryPath = args.inventory ?? settings.inventoryPath ?? (existsSync(defaultInventory) ? defaultInventory : undefined);
  const ansibleInventories = args.ansibleInventories.length ? args.ansibleInventories : (settings.ansibleInventories ?? []);
  const fleetOptions = {
    inventoryPath,
    ansibleInventories,
    ...(settings.ansiblePoolGroups ? { ansiblePoolGroups: settings.ansiblePoolGroups } : {}),
    ansibleReader: ({ auto: 'auto', 'ansible-inventory': 'ansible', 'built-in': 'static' } as const)[settings.ansibleReader],
    sshConfigPath: args.sshConfig === false ? undefined : args.sshConfig,
    noSshConfig: args.sshConfig === false,
    includeLocal: args.local,
  };
  let fleet;
  try {
    fleet = await loadFleet(fleetOptions);
    startupMark('fleet');
  } catch (err) {
    if (err instanceof InventoryError) throw new StartupError(err.message);
    throw err;
  }
  // EC2 is loaded only when enabled: the provider module, and through it the AWS SDK, are imported here and nowhere else.
  let ec2;
  try {
    ec2 = resolveEc2Config(settings.ec2, { ec2: args.ec2, profiles: args.profiles, regions: args.regions });
  } catch (err) {
    if (err instanceof Ec2ConfigError) throw new StartupError(err.message);
    throw err;
  }
  // A --profile that names no profile would only show as "no credentials" later: say so now.
  for (const profile of args.profiles) {
    const missing = missingProfileMessage(profile, process.env, homedir());
    if (missing) throw new StartupError(`--profile ${profile}: ${missing}`);
  }
  let cloud: ConsoleOptions['cloud'];
  if (ec2) {
    const { Ec2Provider } = await import('../../providers/ec2/index.js');
    cloud = { provider: new Ec2Provider(ec2), refreshMs: ec2.refreshMs };
  }
  // Prometheus likewise: its provider module is imported only when a URL is configured.
  let metrics: ConsoleOptions['metrics'];
  let prometheus;
  try {
    prometheus = resolvePrometheusConfig(settings.prometheus, args.prometheus, { home: homedir() }, args.alertmanager);
    if (!prometheus && args.alertmanager.length) throw new PrometheusConfigError('--alertmanager needs --prometheus (alerts are shown on the Prometheus hosts)');
  } catch (err) {
    if (err instanceof PrometheusConfigError) throw new StartupError(err.message);
    throw err;
  }
  if (prometheus) {
    const { PrometheusProvider } = await import('../../providers/prometheus/index.js');
    metrics = { provider: new PrometheusProvider(prometheus, undefined, operatorName()), refreshMs: prometheus.refreshMs, sshIdleMs: prometheus.sshIdleMs };
  }
  const userActions = loadUserActions(join(configDir(), 'actions.yaml'));
  if (fleet.machines.length === 0 && !cloud && !metrics)
    throw new StartupError('the fleet is empty: pass --inventory FILE, add Hosts to ~/.ssh/config, or drop --no-local');
  const auditPath = join(stateDir(), 'audit.log');
  // No link in the state dir is followed and no file in it is open to others; checked before any is used.
  const stateCheck = refusalsStop(() => prepareStateDir(stateDir()));
  // An audit log that is not ours as we wrote it is set aside before anything is appended to it.
  const auditWarning = await refusalsStop(() => prepareAuditLog(auditPath, operatorName()));
  const modeWarnings = [tightenedWarning(settingsCheck), tightenedWarning(stateCheck)].filter((w): w is string => !!w);
  return {
    options: {
      machines: fleet.machines,
      auditPath,
      auditRotation: { maxBytes: settings.auditMaxBytes, keep: settings.auditKeepFiles },
      readOnly: args.readOnly,
      pollIntervalMs: args.intervalSec !== undefined ? Math.round(args.intervalSec * 1000) : settings.pollIntervalMs,
      probeTimeoutMs: settings.probeTimeoutMs,
      slowThresholdMs: settings.slowThresholdMs,
      maxConcurrent: settings.maxConcurrent,
      logScrollback: settings.logScrollback,
      cleanupMinAgeDays: settings.cleanupMinAgeDays,
      trendMinutes: settings.trendMinutes,
      heavyCheckIntervalSec: settings.heavyCheckIntervalSec,
      logSilentAfterSec: settings.logSilentAfterSec,
      ...(cloud ? { cloud } : {}),
      ...(metrics ? { metrics } : {}),
      userActions: userActions.actions,
    },
    warnings: [...settingsWarnings, ...modeWarnings, ...(auditWarning ? [auditWarning] : []), ...fleet.warnings, ...userActions.warnings],
    providers: fleet.providers,
    fleetFiles: [inventoryPath, ...fleet.ansibleFiles, args.sshConfig === false ? undefined : (args.sshConfig ?? join(homedir(), '.ssh', 'config'))].filter((f): f is string => !!f),
    reloadFleet: async () => (await loadFleet(fleetOptions)).machines,
    theme: args.theme ?? settings.theme,
    mouse: args.mouse,
    notify: args.notify ?? settings.notify,
  };
}

/** A link (or another user's file) in remlite's own state stops start-up with the refusal's message. */
function refusalsStop<T>(check: () => T): T {
  const stop = (err: unknown): never => {
    if (err instanceof StatePathRefused) throw new StartupError(err.message);
    throw err;
  };
  try {
    const result = check();
    return (result instanceof Promise ? result.catch(stop) : result) as T;
  } catch (err) {
    return stop(err);
  }
}


import type { ActionPlan, HostBaseline, HostProbe, Machine, ServiceStatus } from '../model/index.js';
import { isSafeServiceName, shCommand } from '../util/shell-quote.js';
import { REPAIR_ENTRIES } from './catalogue/index.js';
import { withPrivilege } from './privilege.js';
import { awsCliCommand, type Ec2ActionId } from '../../providers/ec2/aws-command.js';
import { validateSilence } from '../../providers/prometheus/silence.js';

export { withPrivilege };

/** What the planner needs to know about the target host. */
export interface PlanContext {
  machine: Machine;
  /** Init system seen by the last probe; systemd when unknown. */
  init: 'systemd' | 'sysvinit';
  /** The service as the last probe saw it, if it did. */
  service?: ServiceStatus;
  /** The last successful probe (volumes, fs errors). */
  probe?: HostProbe;
  /** The host's accepted known-good state, if any. */
  baseline?: HostBaseline;
  /** Whether the stored copy of that name is present in the baseline store. */
  hasCopy?: (sha256: string) => boolean;
  /** The newest stored dump of a database. */
  newestDump?: (database: string) => { name: string; sha256: string; bytes: number; at: string } | undefined;
  /** disk.cleanup deletes only files older than this many days (setting cleanupMinAgeDays; default 7). */
  cleanupMinAgeDays?: number;
}

/** One entry of the repair catalogue: declarative, like a Monit action. */
export interface CatalogueEntry {
  id: string;
  title: (params: Record<string, string>) => string;
  /** Names of the params the action needs, each validated by validate(). */
  params: string[];
  validate(params: Record<string, string>): string | undefined;
  /** The exact remote command (POSIX sh), every value quoted. */
  command(params: Record<string, string>, ctx: PlanContext): string;
  expected(params: Record<string, string>): string;
  /** Refusal reason from the host's state (no baseline copy, no dump...), checked before command(). */
  check?(params: Record<string, string>, ctx: PlanContext): string | undefined;
  /** Stored content the command reads on stdin. */
  input?(params: Record<string, string>, ctx: PlanContext): ActionPlan['input'];
  /** A read-only command showing what the action would do. */
  preview?(params: Record<string, string>, ctx: PlanContext): ActionPlan['preview'];
  /** Preconditions checked on the host by command() before any change, in words (shown in the confirmation). */
  preconditions?(params: Record<string, string>, ctx: PlanContext): string[];
  /** 'cloud': runs through the provider's API (command is then the equivalent CLI call); default: the host's shell. */
  transport?: 'cloud';
  /** Why the action cannot run on this machine right now, if it cannot. */
  precondition?(machine: Machine): string | undefined;
}

function serviceParamError(params: Record<string, string>): string | undefined {
  const name = params['service'];
  if (!name) return 'no service given';
  if (!isSafeServiceName(name)) return `"${name}" is not a valid service name`;
  return undefined;
}

function unitName(service: string): string {
  return /\.(service|socket|timer|target|mount|path)$/.test(service) ? service : `${service}.service`;
}

function serviceCommand(verb: 'start' | 'stop' | 'restart') {
  return (params: Record<string, string>, ctx: PlanContext): string => {
    const service = params['service'] ?? '';
    const argv =
      ctx.init === 'sysvinit'
        ? ['service', service.replace(/\.service$/, ''), verb]
        : ['systemctl', verb, '--', unitName(service)];
    return withPrivilege(ctx.machine, shCommand(...argv));
  };
}


export const CATALOGUE: Record<string, CatalogueEntry> = {
  'service.restart': {
    id: 'service.restart',
    title: (p) => `Restart ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('restart'),
    expected: (p) => `${p['service']} is stopped and started again; the next probe shows it active (running)`,
  },
  'service.start': {
    id: 'service.start',
    title: (p) => `Start ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('start'),
    expected: (p) => `${p['service']} starts; the next probe shows it active (running)`,
  },
  'service.stop': {
    id: 'service.stop',
    title: (p) => `Stop ${p['service']}`,
    params: ['service'],
    validate: serviceParamError,
    command: serviceCommand('stop'),
    expected: (p) => `${p['service']} stops; the next probe shows it inactive (and red if it is an expected service)`,
  },
  ...REPAIR_ENTRIES,
};

/** EC2 state(s) an action makes sense from; anything else is refused before asking. */
function ec2Entry(id: Ec2ActionId, verb: string, from: string[], expected: string): CatalogueEntry {
  return {
    id,
    title: () => `${verb[0]!.toUpperCase()}${verb.slice(1)} EC2 instance`,
    params: [],
    validate: () => undefined,
    command: (_p, ctx) => (ctx.machine.cloud ? awsCliCommand(id, ctx.machine.cloud) : ''),
    expected: () => expected,
    transport: 'cloud',
    precondition(machine) {
      const c = machine.cloud;
      if (!c) return `${machine.name} is not an EC2 instance`;
      if (!from.includes(c.state)) return `cannot ${verb} an instance that is ${c.state}`;
      return undefined;
    },
  };
}

CATALOGUE['ec2.reboot'] = ec2Entry('ec2.reboot', 'reboot', ['running'], 'EC2 reboots the instance (the OS restarts; state stays running); probes fail for a minute, then come back');
CATALOGUE['ec2.stop'] = ec2Entry('ec2.stop', 'stop', ['running', 'pending'], 'the grid shows stopping, then stopped; refused when stop protection is on');
CATALOGUE['ec2.start'] = ec2Entry('ec2.start', 'start', ['stopped'], 'the grid shows pending, then running; the probe resumes once SSH answers');

/** A silence of one alert on one Prometheus host, made through the Alertmanager API (providers/prometheus). */
CATALOGUE['alertmanager.silence'] = {
  id: 'alertmanager.silence',
  title: (p) => `Silence ${p['alert']} for ${p['duration']} in Alertmanager`,
  params: ['alert', 'label', 'duration', 'comment'],
  validate: (p) => validateSilence(p),
  command: (p, ctx) => shCommand('amtool', 'silence', 'add', `alertname=${p['alert'] ?? ''}`, `${p['label'] ?? ''}=${ctx.machine.name}`, `--duration=${p['duration'] ?? ''}`, `--comment=${p['comment'] ?? ''}`),
  expected: (p) => `Alertmanager holds a silence of ${p['alert']} on this host for ${p['duration']}; the alert's finding clears at the next refresh`,
  transport: 'cloud',
  precondition: (machine) => (machine.probedBy === 'prometheus' ? undefined : `${machine.name} is not read from Prometheus`),
};

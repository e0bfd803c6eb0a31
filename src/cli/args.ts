import { parseArgs } from 'node:util';
import { NOTIFY_MODES, type NotifyMode } from '../model/event.js';

export interface CliArgs {
  command: 'tui' | 'status' | 'check' | 'repair' | 'accept' | 'logs' | 'events' | 'completion' | 'theme' | 'help' | 'version';
  /** `remlite COMMAND --help`: the command whose help to print. */
  helpFor?: string;
  /** Words after the command: repair HOST ACTION [key=value...], accept [HOST], logs HOST [SOURCE], completion SHELL, theme list|export NAME [NEW]. */
  operands: string[];
  /** repair, accept: run without asking. */
  yes: boolean;
  /** logs: follow; and how many lines to show first. */
  follow: boolean;
  lines: number;
  inventory?: string;
  /** --ansible-inventory PATH (repeatable): Ansible inventory files or directories. */
  ansibleInventories: string[];
  sshConfig?: string | false;
  local: boolean;
  readOnly: boolean;
  intervalSec?: number;
  json: boolean;
  /** check: only these pools / hosts (empty = all). */
  pools: string[];
  hosts: string[];
  /** EC2: --ec2, --profile NAME (repeatable), --region R (repeatable, or all). */
  ec2: boolean;
  profiles: string[];
  regions: string[];
  /** --prometheus URL (repeatable): read the fleet and its state from Prometheus. */
  prometheus: string[];
  /** --alertmanager URL (repeatable): active alerts as findings on the Prometheus hosts. */
  alertmanager: string[];
  /** --theme NAME: a built-in theme or a file in <config dir>/themes (overrides the theme setting). */
  theme?: string;
  /** Console: mouse wheel scrolling. */
  mouse: boolean;
  /** events: only events at or after this time (ISO or relative, checked by the command). */
  since?: string;
  /** Console: --notify MODE, how a host turning critical is signalled (overrides the notify setting). */
  notify?: NotifyMode;
}


export const USAGE = `remlite: a keyboard-driven console for a fleet of machines

Usage:
  remlite [options]            open the console (live fleet grid)
  remlite status [--json]      probe every host once and print the fleet (table, or JSON for jq)
  remlite check [--pool P] [--host H]
                               probe once and report findings like a Nagios plugin:
                               exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
  remlite repair HOST ACTION [key=value ...] [--yes]
                               plan a repair (e.g. service.restart service=apache2), show the
                               exact command, ask (or --yes), run it, audit it, verify it
  remlite accept HOST|--pool P [--yes]
                               accept the current state as good (the console's A): capture the
                               declared configs, data, modules and databases as the baseline,
                               ask (or --yes), audit it, print what was stored
  remlite logs HOST [SOURCE] [-f] [-n LINES]
                               print (or follow) a log: SOURCE is a unit name or an absolute
                               path (default: the host's first log source)
  remlite events [--since T] [--json]
                               print this console's timeline from the events log (findings
                               raised and cleared, alerts, actions, provider failures), oldest
                               first; T is an ISO date/time or a time back (30m, 2h, 7d)
  remlite completion bash|zsh  print a shell completion script
  remlite theme list           list the built-in themes and the theme files
  remlite theme export NAME [NEW]
                               print a theme as a file to edit, or write it to
                               <config dir>/themes/NEW.yaml

Options:
  -i, --inventory PATH   data-center inventory (YAML); default: the one in the config dir, if any
      --ansible-inventory PATH
                         an Ansible inventory file or directory (repeatable); read with
                         ansible-inventory --list when Ansible is installed
      --ssh-config PATH  ssh client config to take concrete Hosts from (default ~/.ssh/config)
      --no-ssh-config    do not read any ssh client config
      --no-local         leave this machine out of the fleet
      --read-only        show everything, change nothing: every action is hidden and refused
      --mouse            (console) scroll lists and logs with the mouse wheel
      --interval SEC     seconds between probes of a host (default 5)
      --theme NAME       default, high-contrast, or a file <config dir>/themes/NAME.yaml
      --notify MODE      (console) a host turning critical: off, bell, osc9, osc777 (notify setting)
      --json             (status, events) print JSON (events: one JSON object per line)
      --since T          (events) only events since T (ISO time, or 30m, 2h, 7d back)
      --pool NAME        (check, accept) only this pool; repeatable for check
      --host NAME        (check) only this host; repeatable
  -y, --yes              (repair, accept) run without asking
  -f, --follow           (logs) keep following
  -n, --lines N          (logs) lines to show first (default 50)
      --ec2              add EC2 instances (AWS default credential chain, see docs/ec2.md)
      --prometheus URL   read hosts and their state from Prometheus (node_exporter targets;
                         repeatable); SSH to those hosts only on demand
      --alertmanager URL with --prometheus: active alerts (not silenced) as findings
                         on the hosts they name (repeatable)
      --profile NAME     AWS profile to list (repeatable: several accounts side by side); implies --ec2
      --region R         AWS region (repeatable, or "all" for every enabled one); implies --ec2
  -h, --help             this help
  -v, --version          print the version

Files:
  settings     $REMLITE_CONFIG_DIR or the platform config dir (conf), config.json
  actions      actions.yaml in the config dir: your own commands bound to keys
  themes       themes/NAME.yaml in the config dir
  state        $REMLITE_STATE_DIR or $XDG_STATE_HOME/remlite: audit.log, events.log (JSON lines)
`;

/**
 * `remlite COMMAND --help`: the command's lines of USAGE, then the options that apply to it (those
 * marked "(COMMAND)" and those marked for no command in particular).
 */
export function commandUsage(command: string): string {
  const [head = '', rest = ''] = USAGE.split('\nOptions:\n');
  const usageLines = head.split('\n');
  const mine: string[] = [];
  for (let i = 0; i < usageLines.length; i++) {
    if (!usageLines[i]!.startsWith(`  remlite ${command}`)) continue;
    mine.push(usageLines[i]!);
    while (usageLines[i + 1]?.startsWith('      ')) mine.push(usageLines[++i]!);
  }
  const options = rest.split('\n\nFiles:')[0]!.split('\n').filter((line) => {
    const tags = /^\s+(?:-\w, )?--\S+(?: \S+)?\s+\(([\w, ]+)\)/.exec(line)?.[1]?.split(', ');
    return line.trim() !== '' && (tags === undefined || tags.includes(command));
  });
  return `Usage:\n${mine.join('\n')}\n\nOptions:\n${options.join('\n')}\n`;
}

export class UsageError extends Error {}

const COMMANDS = ['status', 'check', 'repair', 'accept', 'logs', 'events', 'completion', 'theme'] as const;
type Command = (typeof COMMANDS)[number];

/** Every command and option, for shell completion. */
export const COMPLETION_WORDS = {
  commands: [...COMMANDS],
  options: ['--inventory', '--ansible-inventory', '--ssh-config', '--no-ssh-config', '--no-local', '--read-only', '--mouse', '--interval', '--theme', '--notify', '--json', '--since', '--pool', '--host', '--yes', '--follow', '--lines', '--ec2', '--prometheus', '--alertmanager', '--profile', '--region', '--help', '--version'],
};

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        inventory: { type: 'string', short: 'i' },
        'ansible-inventory': { type: 'string', multiple: true },
        'ssh-config': { type: 'string' },
        'no-ssh-config': { type: 'boolean', default: false },
        'no-local': { type: 'boolean', default: false },
        'read-only': { type: 'boolean', default: false },
        mouse: { type: 'boolean', default: false },
        interval: { type: 'string' },
        theme: { type: 'string' },
        notify: { type: 'string' },
        since: { type: 'string' },
        json: { type: 'boolean', default: false },
        pool: { type: 'string', multiple: true },
        host: { type: 'string', multiple: true },
        ec2: { type: 'boolean', default: false },
        prometheus: { type: 'string', multiple: true },
        alertmanager: { type: 'string', multiple: true },
        profile: { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
        yes: { type: 'boolean', short: 'y', default: false },
        follow: { type: 'boolean', short: 'f', default: false },
        lines: { type: 'string', short: 'n' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  const operands = positionals.slice(1);
  if (sub !== undefined && !COMMANDS.includes(sub as Command)) throw new UsageError(`unknown command "${sub}"`);
  const arity: Record<Command, [number, number]> = { status: [0, 0], check: [0, 0], repair: [2, 64], accept: [0, 1], logs: [1, 2], events: [0, 0], completion: [1, 1], theme: [1, 3] };
  if (sub !== undefined && !values.help) {
    const [min, max] = arity[sub as Command];
    if (operands.length < min) throw new UsageError(`${sub}: missing arguments (see remlite --help)`);
    if (operands.length > max) throw new UsageError(`unexpected argument "${operands[max]}"`);
  }
  if (sub === 'accept' && !values.help && (operands.length === 1 ? (values.pool ?? []).length > 0 : (values.pool ?? []).length !== 1))
    throw new UsageError('accept: give a HOST or one --pool P (not both)');
  if (sub === 'completion' && !values.help && !['bash', 'zsh'].includes(operands[0]!)) throw new UsageError(`completion: "${operands[0]}" is not bash or zsh`);
  if (sub === 'theme' && !values.help) {
    const [verb, name] = operands;
    if (verb === 'list' ? operands.length !== 1 : verb !== 'export' || name === undefined)
      throw new UsageError('theme: use "remlite theme list" or "remlite theme export NAME [NEW]"');
  }
  if (values.theme !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(values.theme))
    throw new UsageError(`--theme "${values.theme}" is not a theme name (letters, digits, ".", "_", "-")`);
  if (values.notify !== undefined && !NOTIFY_MODES.includes(values.notify as NotifyMode))
    throw new UsageError(`--notify "${values.notify}" is not one of ${NOTIFY_MODES.join(', ')}`);
  if (values.since !== undefined && sub !== 'events') throw new UsageError('--since applies to the events command (remlite events --since 2h)');
  const lines = values.lines === undefined ? 50 : Number(values.lines);
  if (!Number.isInteger(lines) || lines < 0 || lines > 100_000) throw new UsageError(`--lines must be a whole number from 0 to 100000, not "${values.lines}"`);
  let intervalSec: number | undefined;
  if (values.interval !== undefined) {
    intervalSec = Number(values.interval);
    if (!Number.isFinite(intervalSec) || intervalSec < 0.5 || intervalSec > 3600)
      throw new UsageError(`--interval must be a number of seconds between 0.5 and 3600, not "${values.interval}"`);
  }
  for (const p of values.profile ?? []) if (!/^[A-Za-z0-9_.+=,@:-]{1,64}$/.test(p)) throw new UsageError(`--profile "${p}" is not a valid AWS profile name`);
  for (const r of values.region ?? []) if (!/^[a-z0-9-]{1,40}$/.test(r)) throw new UsageError(`--region "${r}" is not a region name (like eu-west-1) or "all"`);
  return {
    command: values.help ? 'help' : values.version ? 'version' : ((sub as Command | undefined) ?? 'tui'),
    ...(values.help && sub !== undefined ? { helpFor: sub } : {}),
    operands,
    yes: values.yes ?? false,
    follow: values.follow ?? false,
    lines,
    inventory: values.inventory,
    ansibleInventories: values['ansible-inventory'] ?? [],
    sshConfig: values['no-ssh-config'] ? false : values['ssh-config'],
    local: !values['no-local'],
    readOnly: values['read-only'] ?? false,
    intervalSec,
    json: values.json ?? false,
    pools: values.pool ?? [],
    hosts: values.host ?? [],
    ec2: values.ec2 ?? false,
    profiles: values.profile ?? [],
    regions: values.region ?? [],
    prometheus: values.prometheus ?? [],
    alertmanager: values.alertmanager ?? [],
    ...(values.theme !== undefined ? { theme: values.theme } : {}),
    mouse: values.mouse ?? false,
    ...(values.since !== undefined ? { since: values.since } : {}),
    ...(values.notify !== undefined ? { notify: values.notify as NotifyMode } : {}),
  };
}

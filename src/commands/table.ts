/** What a command's argument names; decides what completion offers and how the argument is checked. */
export type ArgKind = 'host' | 'pool' | 'service' | 'log' | 'sort' | 'filter';

export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  arg?: { kind: ArgKind; required: boolean };
  /** Changes a remote host: refused and never offered in read-only mode. */
  action?: boolean;
  /** 'host' commands work on the open host only. */
  scope: 'any' | 'host';
  usage: string;
  summary: string;
}

/** The command bar's commands, in the order completion and help list them. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: 'hosts', scope: 'any', usage: ':hosts', summary: 'fleet grid, filter cleared' },
  { name: 'host', arg: { kind: 'host', required: true }, scope: 'any', usage: ':host NAME', summary: 'open that host' },
  { name: 'pool', arg: { kind: 'pool', required: true }, scope: 'any', usage: ':pool NAME', summary: 'fleet grid filtered to one pool' },
  {
    name: 'svc',
    aliases: ['service'],
    arg: { kind: 'service', required: true },
    scope: 'any',
    usage: ':svc NAME',
    summary: 'host: Services tab on that service; grid: hosts that have it',
  },
  { name: 'logs', arg: { kind: 'log', required: false }, scope: 'host', usage: ':logs [SOURCE]', summary: 'Logs tab; follow SOURCE (unit or file)' },
  { name: 'findings', scope: 'any', usage: ':findings', summary: 'host: Findings tab; grid: hosts with findings' },
  { name: 'restart', arg: { kind: 'service', required: false }, action: true, scope: 'host', usage: ':restart [SVC]', summary: 'restart a service (default: the selected one), asks first' },
  { name: 'start', arg: { kind: 'service', required: false }, action: true, scope: 'host', usage: ':start [SVC]', summary: 'start a service, asks first' },
  { name: 'stop', arg: { kind: 'service', required: false }, action: true, scope: 'host', usage: ':stop [SVC]', summary: 'stop a service, asks first' },
  { name: 'filter', arg: { kind: 'filter', required: false }, scope: 'any', usage: ':filter [EXPR]', summary: 'fleet grid filter (empty clears)' },
  { name: 'sort', arg: { kind: 'sort', required: true }, scope: 'any', usage: ':sort KEY', summary: 'fleet grid sort key (name, health, load, mem, disk, age, latency), then asc or desc' },
  { name: 'help', scope: 'any', usage: ':help', summary: 'keys of this screen and the commands' },
  { name: 'quit', aliases: ['q'], scope: 'any', usage: ':quit :q', summary: 'quit remlite' },
];

/** Commands usable here: action commands vanish in read-only mode, host commands on the grid. */
export function availableCommands(where: { screen: 'grid' | 'host'; readOnly: boolean }): CommandSpec[] {
  return COMMANDS.filter((c) => !(where.readOnly && c.action) && !(c.scope === 'host' && where.screen !== 'host'));
}

export function findCommand(word: string): CommandSpec | undefined {
  const w = word.toLowerCase();
  return COMMANDS.find((c) => c.name === w || (c.aliases ?? []).includes(w));
}

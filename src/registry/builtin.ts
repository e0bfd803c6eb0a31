import type { CommandBinding, KeyBinding, KeySection, RegistryEntry } from './types.js';

/** The keys of a finding's repairs, in order: letters no screen of the host view moves or switches tabs with. */
export const REPAIR_KEYS: readonly string[] = ['a', 'b', 'c', 'd', 'e', 'f'];

/** A looking/moving key: the view handles it, the registry names it for footers and help. */
function view(section: KeySection, keys: string, label: string, more: { short?: string; footer?: boolean; name?: string } = {}): RegistryEntry {
  const binding: KeyBinding = { section, keys, ...(more.footer ? { footer: true } : {}) };
  return {
    id: `${section}.${more.name ?? label.replace(/\W+/g, '-')}`,
    label,
    ...(more.short ? { short: more.short } : {}),
    scope: 'none',
    dangerous: false,
    intent: { kind: 'view', name: more.name ?? label },
    keys: [binding],
    source: 'builtin',
  };
}

/** A `:` command that only looks or moves. */
function command(spec: CommandBinding): RegistryEntry {
  return { id: `command.${spec.name}`, label: spec.summary, scope: 'none', dangerous: false, intent: { kind: 'view', name: spec.name }, keys: [], command: spec, source: 'builtin' };
}

/** A service verb: a key on the Services tab and a command, planned as the catalogue entry `service.VERB`. */
function serviceVerb(verb: 'restart' | 'start' | 'stop', key: string, summary: string): RegistryEntry {
  return {
    id: `service.${verb}`,
    label: `${verb} service`,
    short: verb,
    scope: 'service',
    dangerous: true,
    intent: { kind: 'plan', action: `service.${verb}` },
    keys: [{ section: 'services', keys: key, input: [key], footer: true }],
    command: { name: verb, arg: { kind: 'service', required: false }, where: 'host', usage: `:${verb} [SVC]`, summary },
    source: 'builtin',
  };
}

/** A cloud action of an EC2 host, on any tab of the host view. */
function cloudAction(action: string, key: string, label: string, short: string): RegistryEntry {
  return { id: action, label, short, scope: 'cloud', dangerous: true, intent: { kind: 'plan', action }, keys: [{ section: 'ec2', keys: key, input: [key], footer: true }], source: 'builtin' };
}

/**
 * Every built-in key and command, in the order footers, help and the command table list them.
 * Adding a key-bound action: one entry here (dangerous when it changes a host) plus its catalogue
 * entry in src/actions/catalogue/.
 */
export const BUILTIN_ENTRIES: readonly RegistryEntry[] = [
  // Fleet grid
  view('grid', 'j/k ↑/↓', 'move', { footer: true }),
  view('grid', 'PgUp/PgDn', 'page'),
  view('grid', 'g/G Home/End', 'first / last'),
  view('grid', 'Enter', 'open host', { footer: true, short: 'open' }),
  view('grid', '/', 'filter (text, pool:web, state:down, sev:critical)', { footer: true, short: 'filter', name: 'filter' }),
  view('grid', 's', 'cycle sort key', { footer: true, short: 'sort' }),
  view('grid', 'S', 'reverse sort'),
  view('grid', 'p', 'group by pool', { footer: true, short: 'group' }),
  {
    // Only looks: opens the command bar with the pool's :plogs line, which Enter runs.
    id: 'grid.pool-logs',
    label: 'pool logs: on a pool header row, the command bar with :plogs POOL -u UNIT (a unit every host of the pool declares); Enter follows it',
    short: 'pool logs',
    scope: 'pool',
    dangerous: false,
    intent: { kind: 'view', name: 'pool-logs' },
    keys: [{ section: 'grid', keys: 'L', input: ['L'] }],
    source: 'builtin',
  },
  view('grid', 'Space', 'mark / unmark the host (actions then apply to every marked host)', { short: 'mark', name: 'mark' }),
  view('grid', 't', 'TREND column: each host\'s load over the trend window (trendMinutes)', { short: 'trend', name: 'trend-column' }),
  view('grid', 'R', 'poll all hosts now'),
  {
    id: 'baseline.accept',
    label: 'accept current state as good (host; on a pool header row: the whole pool)',
    short: 'accept',
    scope: 'host',
    dangerous: true,
    intent: { kind: 'accept-baseline' },
    keys: [{ section: 'grid', keys: 'A', input: ['A'] }],
    source: 'builtin',
  },
  view('grid', ':', 'command bar (:hosts :pool :svc :sort :filter …, Tab completes, :help lists)', { short: 'command', name: 'command-bar' }),
  view('grid', '?', 'help', { footer: true }),
  view('grid', 'q', 'quit', { footer: true }),

  // Host view, any tab
  view('host', 'Tab 1-4 h/l', 'switch tab', { footer: true, short: 'tabs' }),
  view('host', 'R', 'poll this host now'),
  view('host', 'q Esc', 'back to the grid', { footer: true, short: 'back' }),
  view('host', ':', 'command bar (:svc :logs :findings :restart …, Tab completes, :help lists)', { short: 'command', name: 'command-bar' }),
  view('host', '?', 'help', { footer: true }),

  view('services', 'j/k ↑/↓', 'select service'),
  view('volumes', 'j/k ↑/↓', 'select volume'),
  view('log-sources', 'j/k ↑/↓', 'select log source'),
  view('log-sources', 'Enter', 'open log', { footer: true, short: 'open' }),
  view('log-view', 'Space', 'pause / follow', { footer: true, short: 'pause' }),
  view('log-view', '↑/↓ PgUp/PgDn', 'scroll'),
  view('log-view', 'g/G', 'top / end (end follows)'),
  view('log-view', '/', 'search', { footer: true }),
  view('log-view', 'n/N', 'next / previous match'),
  view('log-view', 'w', 'wrap lines', { footer: true, short: 'wrap' }),
  view('log-view', 'Esc', 'close log'),
  view('pool-log', 'q', 'close the pool log, back to the grid', { footer: true, short: 'close', name: 'close' }),

  view('findings', 'j/k ↑/↓', 'select finding'),
  { id: 'repair.first', label: 'run first repair', short: 'repair', scope: 'finding', dangerous: true, intent: { kind: 'repair', pick: 'first' }, keys: [{ section: 'findings', keys: 'Enter', footer: true }], source: 'builtin' },
  {
    id: 'repair.number',
    label: 'run that repair (a the first, b the second…; the digits stay tab keys)',
    short: 'pick repair',
    scope: 'finding',
    dangerous: true,
    intent: { kind: 'repair', pick: 'number' },
    keys: [{ section: 'findings', keys: `a-${REPAIR_KEYS[REPAIR_KEYS.length - 1]}`, input: [...REPAIR_KEYS], footer: true }],
    source: 'builtin',
  },
  {
    id: 'repair.pool',
    label: 'first repair across the pool: canary first, then the rest',
    short: 'pool repair',
    scope: 'pool',
    dangerous: true,
    intent: { kind: 'repair', pick: 'pool' },
    keys: [{ section: 'findings', keys: 'P', input: ['P'], footer: true }],
    source: 'builtin',
  },

  {
    id: 'host-key.trust',
    label: 'trust the offered host key (asks first)',
    short: 'trust key',
    scope: 'host',
    dangerous: true,
    intent: { kind: 'trust-host-key' },
    keys: [{ section: 'host-key', keys: 'T', input: ['T'], footer: true }],
    source: 'builtin',
  },

  cloudAction('ec2.reboot', 'B', 'reboot the instance (EC2 API, asks first)', 'reboot'),
  cloudAction('ec2.stop', 'O', 'stop the instance (EC2 API, asks first; stop protection respected)', 'stop vm'),
  cloudAction('ec2.start', 'I', 'start the instance (EC2 API, asks first)', 'start vm'),

  // Events screen (:events)
  view('events', 'j/k ↑/↓ PgUp/PgDn', 'move'),
  view('events', '/', 'filter (text, host:web1, class:service-down, kind:action, sev:critical)', { footer: true, short: 'filter', name: 'filter' }),
  view('events', 'q Esc', 'back to the grid', { footer: true, short: 'back' }),
  view('events', ':', 'command bar', { short: 'command', name: 'command-bar' }),
  view('events', '?', 'help', { footer: true }),

  view('command-bar', 'Tab Shift-Tab', 'complete; again: cycle through the candidates'),
  view('command-bar', '↑/↓', 'earlier / later commands of this session'),
  view('command-bar', 'Enter', 'run'),
  view('command-bar', 'Esc', 'cancel'),

  // The command bar's commands, in the order completion and :help list them.
  command({ name: 'hosts', where: 'any', usage: ':hosts', summary: 'fleet grid, filter cleared' }),
  command({ name: 'host', arg: { kind: 'host', required: true }, where: 'any', usage: ':host NAME', summary: 'open that host' }),
  command({ name: 'pool', arg: { kind: 'pool', required: true }, where: 'any', usage: ':pool NAME', summary: 'fleet grid filtered to one pool' }),
  command({ name: 'svc', aliases: ['service'], arg: { kind: 'service', required: true }, where: 'any', usage: ':svc NAME', summary: 'host: Services tab on that service; grid: hosts that have it' }),
  command({ name: 'logs', arg: { kind: 'log', required: false }, where: 'host', usage: ':logs [SOURCE]', summary: 'Logs tab; follow SOURCE (a source of the host, or any absolute file path)' }),
  command({
    name: 'plogs',
    aliases: ['poollogs'],
    arg: { kind: 'pool', required: true },
    where: 'any',
    usage: ':plogs POOL|marked UNIT|-u UNIT|/PATH',
    summary: 'follow one unit or file on every host of a pool (or the marked hosts), interleaved, each line behind its host',
  }),
  command({ name: 'findings', where: 'any', usage: ':findings', summary: 'host: Findings tab; grid: hosts with findings' }),
  serviceVerb('restart', 'r', 'restart a service (default: the selected one), asks first'),
  serviceVerb('start', 's', 'start a service, asks first'),
  serviceVerb('stop', 'x', 'stop a service, asks first'),
  {
    id: 'ssh.shell',
    label: 'shell on this host: your own ssh with its exact settings; the console comes back when it exits',
    short: 'shell',
    scope: 'host',
    // An operator's root shell changes hosts like any action: hidden in read-only mode.
    dangerous: true,
    intent: { kind: 'shell' },
    keys: [{ section: 'host', keys: 'S', input: ['S'] }],
    command: { name: 'ssh', arg: { kind: 'host', required: false }, where: 'any', usage: ':ssh [HOST]', summary: 'shell on a host (default: the open one), your own ssh with its exact settings' },
    source: 'builtin',
  },
  command({ name: 'mark', arg: { kind: 'filter', required: true }, where: 'any', usage: ':mark FILTER', summary: 'mark the hosts the filter matches (the / language); actions then apply to the marked hosts' }),
  command({ name: 'unmark', arg: { kind: 'filter', required: false }, where: 'any', usage: ':unmark [FILTER]', summary: 'unmark the hosts the filter matches (empty: all)' }),
  command({ name: 'filter', arg: { kind: 'filter', required: false }, where: 'any', usage: ':filter [EXPR]', summary: 'fleet grid filter (empty clears)' }),
  command({ name: 'sort', arg: { kind: 'sort', required: true }, where: 'any', usage: ':sort KEY', summary: 'fleet grid sort key (name, health, load, mem, disk, age, latency), then asc or desc' }),
  command({ name: 'events', where: 'any', usage: ':events', summary: 'events timeline: findings raised/cleared, alerts, actions, provider failures (newest first)' }),
  command({ name: 'help', where: 'any', usage: ':help', summary: 'keys of this screen and the commands' }),
  command({ name: 'quit', aliases: ['q'], where: 'any', usage: ':quit :q', summary: 'quit remlite' }),
];

/** Key hints shown in footers and the help overlay. `action` keys change remote hosts and hide in read-only mode. */
export interface KeyHint {
  keys: string;
  label: string;
  action?: boolean;
  /** Shown in the one-line footer (otherwise only in help). */
  footer?: boolean;
  /** Footer wording when the label is too long. */
  short?: string;
}

export const GRID_KEYS: KeyHint[] = [
  { keys: 'j/k ↑/↓', label: 'move', footer: true },
  { keys: 'PgUp/PgDn', label: 'page' },
  { keys: 'g/G Home/End', label: 'first / last' },
  { keys: 'Enter', label: 'open host', footer: true, short: 'open' },
  { keys: '/', label: 'filter (text, pool:web, state:down, sev:critical)', footer: true, short: 'filter' },
  { keys: 's', label: 'cycle sort key', footer: true, short: 'sort' },
  { keys: 'S', label: 'reverse sort' },
  { keys: 'p', label: 'group by pool', footer: true, short: 'group' },
  { keys: 'R', label: 'poll all hosts now' },
  { keys: 'A', label: 'accept current state as good (host; on a pool header row: the whole pool)', action: true, short: 'accept' },
  { keys: ':', label: 'command bar (:hosts :pool :svc :sort :filter …, Tab completes, :help lists)', short: 'command' },
  { keys: '?', label: 'help', footer: true },
  { keys: 'q', label: 'quit', footer: true },
];

export const HOST_KEYS: KeyHint[] = [
  { keys: 'Tab 1-4 h/l', label: 'switch tab', footer: true, short: 'tabs' },
  { keys: 'R', label: 'poll this host now' },
  { keys: 'q Esc', label: 'back to the grid', footer: true, short: 'back' },
  { keys: ':', label: 'command bar (:svc :logs :findings :restart …, Tab completes, :help lists)', short: 'command' },
  { keys: '?', label: 'help', footer: true },
];

export const SERVICES_KEYS: KeyHint[] = [
  { keys: 'j/k ↑/↓', label: 'select service' },
  { keys: 'r', label: 'restart service', action: true, footer: true, short: 'restart' },
  { keys: 's', label: 'start service', action: true, footer: true, short: 'start' },
  { keys: 'x', label: 'stop service', action: true, footer: true, short: 'stop' },
];

export const VOLUMES_KEYS: KeyHint[] = [{ keys: 'j/k ↑/↓', label: 'select volume' }];

export const LOG_SOURCE_KEYS: KeyHint[] = [
  { keys: 'j/k ↑/↓', label: 'select log source' },
  { keys: 'Enter', label: 'open log', footer: true, short: 'open' },
];

export const LOG_VIEW_KEYS: KeyHint[] = [
  { keys: 'Space', label: 'pause / follow', footer: true, short: 'pause' },
  { keys: '↑/↓ PgUp/PgDn', label: 'scroll' },
  { keys: 'g/G', label: 'top / end (end follows)' },
  { keys: '/', label: 'search', footer: true },
  { keys: 'n/N', label: 'next / previous match' },
  { keys: 'w', label: 'wrap lines', footer: true, short: 'wrap' },
  { keys: 'Esc', label: 'close log' },
];

export const FINDINGS_KEYS: KeyHint[] = [
  { keys: 'j/k ↑/↓', label: 'select finding' },
  { keys: 'Enter', label: 'run first repair', action: true, footer: true, short: 'repair' },
  { keys: '1-9', label: 'run that repair (digits beyond the repairs switch tabs)', action: true, footer: true, short: 'pick repair' },
  { keys: 'P', label: 'first repair across the pool: canary first, then the rest', action: true, footer: true, short: 'pool repair' },
];

export const TRUST_KEYS: KeyHint[] = [{ keys: 'T', label: 'trust the offered host key (asks first)', action: true, footer: true, short: 'trust key' }];

/** Cloud actions of an EC2 host (host view, any tab). */
export const CLOUD_KEYS: KeyHint[] = [
  { keys: 'B', label: 'reboot the instance (EC2 API, asks first)', action: true, footer: true, short: 'reboot' },
  { keys: 'O', label: 'stop the instance (EC2 API, asks first; stop protection respected)', action: true, footer: true, short: 'stop vm' },
  { keys: 'I', label: 'start the instance (EC2 API, asks first)', action: true, footer: true, short: 'start vm' },
];

/** Host-view key → cloud action. */
export const CLOUD_ACTION_KEYS: Readonly<Record<string, string>> = { B: 'ec2.reboot', O: 'ec2.stop', I: 'ec2.start' };

/** Keys of the `:` prompt itself. */
export const COMMAND_BAR_KEYS: KeyHint[] = [
  { keys: 'Tab Shift-Tab', label: 'complete; again: cycle through the candidates' },
  { keys: '↑/↓', label: 'earlier / later commands of this session' },
  { keys: 'Enter', label: 'run' },
  { keys: 'Esc', label: 'cancel' },
];

export const CONFIRM_KEYS: KeyHint[] = [
  { keys: 'y', label: 'run', footer: true },
  { keys: 'any other key', label: 'cancel', footer: true },
];

export function visibleKeys(list: readonly KeyHint[], readOnly: boolean): KeyHint[] {
  return list.filter((k) => !(readOnly && k.action));
}

export function footerText(list: readonly KeyHint[], readOnly: boolean): string {
  return visibleKeys(list, readOnly)
    .filter((k) => k.footer)
    .map((k) => `${k.keys.split(' ')[0]} ${k.short ?? k.label}`)
    .join('  ');
}

export const READ_ONLY_REFUSAL = 'read-only mode: actions are disabled';

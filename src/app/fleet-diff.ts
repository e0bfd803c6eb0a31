import type { HostChecks, Machine } from '../model/index.js';
import { NO_CHECKS } from '../model/index.js';

/** What an inventory reload changed, host by host. */
export interface FleetChange {
  added: string[];
  removed: string[];
  /** Hosts whose SSH target changed (address, port, user, keys, jump): they reconnect. */
  moved: { id: string; from: string; to: string }[];
  /** Declared checks added (+) and removed (-), per host that kept its id. */
  checks: { id: string; added: string[]; removed: string[] }[];
  /** Hosts with other fields changed (services, pool, role, logs...), and which. */
  other: { id: string; fields: string[] }[];
}

function address(m: Machine): string {
  return m.ssh ? `${m.ssh.user}@${m.ssh.host}:${m.ssh.port}` : 'local';
}

/** Each declared check as one word: "config /etc/x", "module ext4", "database shop"... */
function checkWords(c: HostChecks | undefined): Set<string> {
  const k = c ?? NO_CHECKS;
  return new Set([
    ...k.configs.map((x) => `config ${x.path}${x.service ? ` (${x.service})` : ''}${x.test ? ` test ${x.test}` : ''}`),
    ...k.permFiles.map((p) => `perm_file ${p}`),
    ...k.dataPaths.map((p) => `data ${p}`),
    ...k.modules.map((m) => `module ${m}`),
    ...k.databases.map((d) => `database ${d.name}`),
    ...k.cleanupPaths.map((p) => `cleanup ${p}`),
  ]);
}

const OTHER_FIELDS = ['name', 'provider', 'site', 'pool', 'role', 'services', 'logs', 'cloud'] as const;

/** Pure: compares the fleet before and after a reload. */
export function diffFleet(before: readonly Machine[], after: readonly Machine[]): FleetChange {
  const old = new Map(before.map((m) => [m.id, m]));
  const change: FleetChange = { added: [], removed: [], moved: [], checks: [], other: [] };
  for (const m of after) {
    const was = old.get(m.id);
    if (!was) {
      change.added.push(m.id);
      continue;
    }
    if (JSON.stringify(was.ssh ?? null) !== JSON.stringify(m.ssh ?? null)) change.moved.push({ id: m.id, from: address(was), to: address(m) });
    const a = checkWords(was.checks);
    const b = checkWords(m.checks);
    const added = [...b].filter((w) => !a.has(w));
    const removed = [...a].filter((w) => !b.has(w));
    if (added.length || removed.length) change.checks.push({ id: m.id, added, removed });
    const fields = OTHER_FIELDS.filter((f) => JSON.stringify(was[f] ?? null) !== JSON.stringify(m[f] ?? null));
    if (fields.length) change.other.push({ id: m.id, fields: [...fields] });
  }
  const now = new Set(after.map((m) => m.id));
  change.removed = before.filter((m) => !now.has(m.id)).map((m) => m.id);
  return change;
}

function list(items: string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** One status line: what changed, or that nothing the console uses did. */
export function describeFleetChange(c: FleetChange): string {
  const parts: string[] = [];
  if (c.added.length) parts.push(`${c.added.length} added (${list(c.added)})`);
  if (c.removed.length) parts.push(`${c.removed.length} removed (${list(c.removed)})`);
  if (c.moved.length) parts.push(`${c.moved.length} re-addressed (${list(c.moved.map((m) => `${m.id} ${m.from} → ${m.to}`), 2)})`);
  for (const k of c.checks.slice(0, 3))
    parts.push(`checks of ${k.id}: ${list([...k.added.map((w) => `+${w}`), ...k.removed.map((w) => `-${w}`)])}`);
  if (c.checks.length > 3) parts.push(`checks of ${c.checks.length - 3} more hosts changed`);
  if (c.other.length) parts.push(`${c.other.length} otherwise changed (${list(c.other.map((o) => `${o.id}: ${o.fields.join(' ')}`), 2)})`);
  return parts.length ? `fleet reloaded: ${parts.join('; ')}` : 'fleet reloaded: no host, address or check changed';
}

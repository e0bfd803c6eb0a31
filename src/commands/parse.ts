import { SORT_KEYS, type SortKey } from '../store/selectors.js';
import { buildRegistry } from '../registry/index.js';
import { logPathError } from '../util/log-path.js';
import type { CommandContext } from './context.js';
import { availableCommands, findCommand, isRegistered } from './table.js';
import { parsePoolLogs } from './parse-pool-logs.js';

/** A command checked against the fleet: names resolved to what the console acts on. */
export type Command =
  | { name: 'hosts' }
  | { name: 'host'; machineId: string }
  | { name: 'pool'; pool: string }
  | { name: 'svc'; service: string }
  | { name: 'logs'; sourceId?: string }
  | { name: 'findings' }
  | { name: 'events' }
  /** An interactive ssh session on a host. */
  | { name: 'ssh'; machineId: string }
  /** One source followed on several hosts at once (a pool, the marked hosts). */
  | { name: 'plogs'; machineIds: string[]; sourceId: string; title: string }
  /** A service-scoped registry entry (restart, start, stop): planned as its catalogue action on the service. */
  | { name: 'service-action'; verb: string; action: string; service: string }
  | { name: 'filter'; filter: string }
  /** Mark (or unmark) the hosts a filter matches; unmark with no filter: all. */
  | { name: 'mark' | 'unmark'; filter: string }
  | { name: 'sort'; key: SortKey; desc?: boolean }
  | { name: 'help' }
  | { name: 'quit' };

export type ParseResult =
  | { ok: true; command: Command }
  /** read-only: an action command while actions are disabled (the view shows its usual refusal). */
  | { ok: false; reason: 'read-only' | 'invalid'; message: string };

const MAX_LISTED = 8;

/** "a, b, c" or "a, b, … (12 in all)". */
function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')}, … (${names.length} in all)`;
}

/** A host named by the rest of the line (names may hold spaces, and may be quoted): name, machine id or EC2 instance id. */
export function findHost<H extends { id: string; name: string; instanceId?: string }>(hosts: readonly H[], text: string): H | undefined {
  const quoted = /^(["'])([\s\S]*)\1$/.exec(text.trim());
  const want = quoted ? quoted[2]! : text.trim();
  return (
    hosts.find((x) => x.name === want) ??
    hosts.find((x) => x.id === want) ??
    hosts.find((x) => x.instanceId === want) ??
    hosts.find((x) => x.name.toLowerCase() === want.toLowerCase())
  );
}

/** Splits ":pool web" into the command word and the rest (a leading ':' is optional). */
export function splitCommand(text: string): { word: string; rest: string } {
  const t = text.replace(/^\s*:?\s*/, '');
  const m = /^(\S*)\s*([\s\S]*)$/.exec(t);
  return { word: m?.[1] ?? '', rest: (m?.[2] ?? '').trim() };
}

function invalid(message: string): ParseResult {
  return { ok: false, reason: 'invalid', message };
}

function pick(names: readonly string[], value: string): string | undefined {
  return names.find((n) => n === value) ?? names.find((n) => n.toLowerCase() === value.toLowerCase());
}

/** Parses and checks one command line against what exists now. Never throws. */
export function parseCommand(text: string, ctx: CommandContext): ParseResult {
  const { word, rest } = splitCommand(text);
  const here = availableCommands(ctx);
  if (!word) return invalid(`type a command: ${listNames(here.map((c) => c.name))}`);
  const spec = findCommand(word);
  if (!spec) return invalid(`unknown command :${word} — commands: ${here.map((c) => c.name).join(', ')}`);
  if (!isRegistered(spec, ctx.readOnly)) return { ok: false, reason: 'read-only', message: `:${spec.name} changes a host` };
  if (spec.where === 'host' && ctx.screen !== 'host') return invalid(`:${spec.name} works on a host: open one first (:host NAME or Enter)`);
  if (!spec.arg && rest) return invalid(`:${spec.name} takes no argument (${spec.usage})`);
  if (spec.arg?.required && !rest) return invalid(`:${spec.name} needs an argument: ${spec.usage}`);
  // A log path is the whole rest of the line: file names may hold spaces.
  const multiWord = spec.arg?.kind === 'filter' || spec.arg?.kind === 'sort' || spec.name === 'plogs' || (spec.arg?.kind === 'log' && rest.startsWith('/'));
  if (!multiWord && /\s/.test(rest)) return invalid(`:${spec.name} takes one argument: ${spec.usage}`);

  const entry = buildRegistry({ readOnly: ctx.readOnly }).get(spec.entryId);
  if (entry?.intent.kind === 'plan' && entry.scope === 'service') {
    const service = rest ? pick(ctx.services, rest) : ctx.selectedService;
    if (!service) {
      return rest
        ? invalid(`no service "${rest}" on this host — services: ${listNames(ctx.services)}`)
        : invalid(`:${spec.name} needs a service: select one in the Services tab or type ${spec.usage.replace('[SVC]', 'NAME')}`);
    }
    return { ok: true, command: { name: 'service-action', verb: spec.name, action: entry.intent.action, service } };
  }

  switch (spec.name) {
    case 'hosts':
    case 'findings':
    case 'events':
    case 'help':
    case 'quit':
      return { ok: true, command: { name: spec.name } };
    case 'host':
    case 'ssh': {
      if (!rest && spec.name === 'ssh') {
        return ctx.openHostId ? { ok: true, command: { name: 'ssh', machineId: ctx.openHostId } } : invalid(`:ssh needs a host here: ${spec.usage.replace('[HOST]', 'NAME')}`);
      }
      const h = findHost(ctx.hosts, rest);
      if (!h) {
        const near = ctx.hosts.map((x) => x.name).filter((n) => n.toLowerCase().startsWith(rest.toLowerCase()));
        return invalid(near.length ? `no host "${rest}" — did you mean ${listNames(near)}` : `no host "${rest}" — hosts: ${listNames(ctx.hosts.map((x) => x.name))}`);
      }
      return { ok: true, command: { name: spec.name, machineId: h.id } };
    }
    case 'pool': {
      const pool = pick(ctx.pools, rest);
      return pool ? { ok: true, command: { name: 'pool', pool } } : invalid(`no pool "${rest}" — pools: ${listNames(ctx.pools)}`);
    }
    case 'svc': {
      const service = pick(ctx.services, rest);
      const where = ctx.screen === 'host' ? 'on this host' : 'in the fleet';
      return service ? { ok: true, command: { name: 'svc', service } } : invalid(`no service "${rest}" ${where} — services: ${listNames(ctx.services)}`);
    }
    case 'logs': {
      if (!rest) return { ok: true, command: { name: 'logs' } };
      const src = ctx.logSources.find((s) => s.id === rest) ?? ctx.logSources.find((s) => s.target === rest);
      if (src) return { ok: true, command: { name: 'logs', sourceId: src.id } };
      // Any absolute path, as `remlite logs HOST PATH` takes it: followed with tail, quoted.
      if (rest.startsWith('/')) {
        const pathError = logPathError(rest);
        return pathError ? invalid(pathError) : { ok: true, command: { name: 'logs', sourceId: `file:${rest}` } };
      }
      return invalid(`no log source "${rest}" on this host — sources: ${listNames(ctx.logSources.map((s) => s.id))}`);
    }
    case 'plogs': {
      const r = parsePoolLogs(rest, { poolMembers: ctx.poolMembers ?? {}, marked: ctx.marked ?? [] });
      return r.ok ? { ok: true, command: { name: 'plogs', machineIds: r.machineIds, sourceId: r.sourceId, title: r.title } } : invalid(r.message);
    }
    case 'filter':
      return { ok: true, command: { name: 'filter', filter: rest } };
    case 'mark':
    case 'unmark':
      return { ok: true, command: { name: spec.name, filter: rest } };
    case 'sort': {
      const [keyWord = '', dir, extra] = rest.split(/\s+/);
      const key = SORT_KEYS.find((k) => k === keyWord.toLowerCase());
      if (!key) return invalid(`no sort key "${keyWord}" — keys: ${SORT_KEYS.join(', ')}`);
      if (extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) return invalid(`usage: :sort KEY [asc|desc]`);
      return { ok: true, command: dir ? { name: 'sort', key, desc: dir === 'desc' } : { name: 'sort', key } };
    }
  }
  return invalid(`unknown command :${word}`);
}

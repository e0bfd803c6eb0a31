import { isSafeServiceName } from '../util/shell-quote.js';

/** `:plogs` checked: the hosts to follow and the source id (unit:NAME or file:/PATH). */
export type PoolLogsParse = { ok: true; machineIds: string[]; sourceId: string; title: string } | { ok: false; message: string };

export interface PoolLogsContext {
  /** Machine ids per pool (and inventory group). */
  poolMembers: Readonly<Record<string, readonly string[]>>;
  /** The marked hosts, when marks exist. */
  marked: readonly string[];
}

/** "web -u apache2", "web apache2", "marked /var/log/syslog". Never throws. */
export function parsePoolLogs(rest: string, ctx: PoolLogsContext): PoolLogsParse {
  const words = rest.split(/\s+/).filter(Boolean);
  const [target = '', ...more] = words;
  const sourceWords = more[0] === '-u' ? more.slice(1) : more;
  const usage = 'usage: :plogs POOL|marked UNIT|-u UNIT|/PATH';
  if (sourceWords.length !== 1) return { ok: false, message: `${usage} (one source)` };
  const source = sourceWords[0]!;
  let sourceId: string;
  if (source.startsWith('/') && more[0] !== '-u') {
    if (source.split('/').includes('..')) return { ok: false, message: `log path "${source}" must not contain ..` };
    sourceId = `file:${source}`;
  } else if (isSafeServiceName(source)) sourceId = `unit:${source}`;
  else return { ok: false, message: `"${source}" is neither a unit name nor an absolute path` };

  let machineIds: readonly string[];
  if (target === 'marked') {
    machineIds = ctx.marked;
    if (machineIds.length === 0) return { ok: false, message: 'no host is marked' };
  } else {
    const pool = Object.keys(ctx.poolMembers).find((p) => p === target) ?? Object.keys(ctx.poolMembers).find((p) => p.toLowerCase() === target.toLowerCase());
    if (!pool) return { ok: false, message: `no pool "${target}" — pools: ${Object.keys(ctx.poolMembers).sort().join(', ') || 'none'}` };
    machineIds = ctx.poolMembers[pool] ?? [];
  }
  return { ok: true, machineIds: [...machineIds], sourceId, title: `${target === 'marked' ? 'marked hosts' : `pool ${target}`} · ${sourceId}` };
}

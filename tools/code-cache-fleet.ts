// The fleet the build's training start draws (scripts/train-code-cache.mjs): the start runs once to
// its first frame, and the V8 code cache it leaves holds every function that frame compiled, not
// only the top level. A small fleet of every kind the first frame draws (data-center and EC2 rows,
// ok, warning, critical, stale, unreachable, stopped, never polled), not the bench's fleet: the cache
// is made for the code paths, whatever fleet a start then reads.
import type { Machine } from '../src/model/index.js';
import type { HostRow } from '../src/store/selectors.js';

/** A name only these rows hold, first in the grid's name order: what the training start waits for. */
export const TRAINING_FRAME_MARK = 'train-db-02';

type Shape = Pick<HostRow, 'state' | 'health' | 'worst' | 'findings'> & Partial<Pick<HostRow, 'loadValue' | 'memPct' | 'diskPct' | 'cloudState'>>;

const SHAPES: Shape[] = [
  { state: 'ok', health: 'ok', worst: 'info', findings: 0, loadValue: 0.42, memPct: 38.5, diskPct: 51.2 },
  { state: 'ok', health: 'warning', worst: 'warning', findings: 2, loadValue: 3.1, memPct: 91.4, diskPct: 88.9 },
  { state: 'slow', health: 'critical', worst: 'critical', findings: 3, loadValue: 12.5, memPct: 99.1, diskPct: 100 },
  { state: 'stale', health: 'warning', worst: 'warning', findings: 1, loadValue: 1.05, memPct: 60, diskPct: 72.4 },
  { state: 'unreachable', health: 'critical', worst: 'critical', findings: 1 },
  { state: 'pending', health: 'unknown', worst: 'info', findings: 0 },
];

const POOLS = ['web', 'db', 'mail', 'log'];

function row(i: number, now: number, ec2: boolean): HostRow {
  const shape = SHAPES[i % SHAPES.length]!;
  const pool = ec2 ? 'api' : POOLS[i % POOLS.length]!;
  const name = ec2 ? `train-i-${String(i).padStart(2, '0')}` : `train-${pool}-${String(i + 1).padStart(2, '0')}`;
  const polled = shape.state !== 'pending';
  return {
    kind: 'host',
    id: name,
    name,
    provider: ec2 ? 'ec2' : 'datacenter',
    site: ec2 ? 'eu-west-1' : 'dc1',
    pool,
    groups: [],
    role: '',
    stale: shape.state === 'stale' || shape.state === 'unreachable',
    servicesOk: shape.health === 'ok' ? 2 : 1,
    servicesTotal: 2,
    services: ['apache2', 'rsyslog'],
    busy: false,
    ...shape,
    ...(polled ? { lastAt: now - 15_000 - i * 1_000, latencyMs: 20 + i } : {}),
    ...(ec2 ? { instanceId: `i-0${String(i).padStart(16, '0')}`, instanceType: 't3.small', az: 'eu-west-1a', ec2State: i % 5 === 4 ? 'stopped' : 'running' } : {}),
    ...(ec2 && i % 5 === 4 ? { cloudState: 'stopped' } : {}),
  };
}

/** The training fleet's machines and the grid rows a console would have left for them. */
export function trainingFleet(now = Date.now()): { machines: Machine[]; rows: HostRow[] } {
  const rows = [...Array.from({ length: 40 }, (_, i) => row(i, now, false)), ...Array.from({ length: 10 }, (_, i) => row(i, now, true))];
  const machines: Machine[] = rows.map((r) => ({ id: r.id, name: r.name, provider: r.provider as Machine['provider'], site: r.site, pool: r.pool, role: '', services: r.services, logs: [], origin: 'code cache training' }));
  return { machines, rows };
}

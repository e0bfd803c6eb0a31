import type { HostAlert, HostProbe, PollResult, Reachability } from '../model/index.js';
import { TypedSlabs } from '../util/typed-slabs.js';
import { historyEntry } from './history-entry.js';

/** The numbers of a kept poll, one slot each in its host's Float64Array, then a slot of presence bits. */
const NUMS = ['at', 'latencyMs', 'remoteTimeMs', 'uptimeSec', 'load1', 'load5', 'load15', 'cpus', 'memTotalBytes', 'memAvailableBytes', 'swapTotalBytes', 'swapFreeBytes'] as const;
const STRIDE = NUMS.length + 1;
const HAS_LATENCY = 1;
/** The other things a kept poll holds, one slot each in its host's refs array. */
const REF_WHOLE = 0;
const REF_REACH = 1;
const REF_HOSTNAME = 2;
const REF_KERNEL = 3;
const REF_INIT = 4;
const REF_ALERTS = 5;
const REFS = 6;
const POLL_KEYS = new Set(['machineId', 'at', 'reach', 'latencyMs', 'probe']);
const NONE = Object.freeze([]) as unknown as never[];

/** One host's ring: `count` kept polls, the oldest at `first`. */
interface HostRing {
  nums: Float64Array;
  refs: unknown[];
  first: number;
  count: number;
}

/**
 * The last few polls of every host, as the sustained detectors and the same-scrape check read them
 * (what historyEntry keeps), stored as columns: a Float64Array of numbers and one array of
 * references per host, not an object per poll, per probe and per boxed number. At 10,000 hosts
 * the history was about 40% of the heap objects the console held per host; it is now three. A poll with
 * more than a probe (an error, a host key, raw output) is kept whole. list() rebuilds the objects
 * for the one host whose detectors read them.
 */
export class PollHistory {
  private readonly hosts = new Map<string, HostRing>();
  private readonly slabs = new TypedSlabs();

  constructor(private readonly length: number) {
    if (!(length >= 1)) throw new Error(`poll history length must be at least 1, not ${length}`);
  }

  /** Keeps `poll` (its historyEntry), dropping the host's oldest beyond the length. */
  push(poll: PollResult): void {
    let ring = this.hosts.get(poll.machineId);
    if (!ring) {
      ring = { nums: this.slabs.float64(this.length * STRIDE), refs: new Array(this.length * REFS).fill(undefined), first: 0, count: 0 };
      this.hosts.set(poll.machineId, ring);
    }
    const slot = (ring.first + ring.count) % this.length;
    if (ring.count === this.length) ring.first = (ring.first + 1) % this.length;
    else ring.count++;
    const refs = ring.refs;
    const r = slot * REFS;
    refs.fill(undefined, r, r + REFS);
    if (!poll.probe || hasOtherKeys(poll)) {
      refs[r + REF_WHOLE] = historyEntry(poll);
      return;
    }
    const p = poll.probe;
    const n = slot * STRIDE;
    const nums = ring.nums;
    nums[n] = poll.at;
    nums[n + 1] = poll.latencyMs ?? 0;
    for (let i = 2; i < NUMS.length; i++) nums[n + i] = p[NUMS[i] as keyof HostProbe] as number;
    nums[n + NUMS.length] = poll.latencyMs === undefined ? 0 : HAS_LATENCY;
    refs[r + REF_REACH] = poll.reach;
    refs[r + REF_HOSTNAME] = p.hostname;
    refs[r + REF_KERNEL] = p.kernel;
    refs[r + REF_INIT] = p.init;
    refs[r + REF_ALERTS] = p.alerts;
  }

  /** The host's kept polls, oldest first, as historyEntry would have made them. */
  list(machineId: string): PollResult[] {
    const ring = this.hosts.get(machineId);
    if (!ring) return [];
    const out: PollResult[] = [];
    for (let i = 0; i < ring.count; i++) out.push(this.entry(machineId, ring, (ring.first + i) % this.length));
    return out;
  }

  /**
   * True when `poll` is the same scrape as the host's last kept poll (a refresh that outran the
   * scrape interval): not newer, the same reachability and the same alerts.
   */
  isRepeat(poll: PollResult): boolean {
    const ring = this.hosts.get(poll.machineId);
    if (!ring || ring.count === 0) return false;
    const slot = (ring.first + ring.count - 1) % this.length;
    const whole = ring.refs[slot * REFS + REF_WHOLE] as PollResult | undefined;
    const at = whole ? whole.at : (ring.nums[slot * STRIDE] as number);
    const reach = whole ? whole.reach : ring.refs[slot * REFS + REF_REACH];
    const alerts = whole ? whole.probe?.alerts : ring.refs[slot * REFS + REF_ALERTS];
    return at >= poll.at && reach === poll.reach && JSON.stringify(alerts) === JSON.stringify(poll.probe?.alerts);
  }

  /** Drops the history of hosts not in `present`. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const [id, ring] of this.hosts) {
      if (present.has(id)) continue;
      this.slabs.give(ring.nums);
      this.hosts.delete(id);
    }
  }

  private entry(machineId: string, ring: HostRing, slot: number): PollResult {
    const refs = ring.refs;
    const r = slot * REFS;
    const whole = refs[r + REF_WHOLE] as PollResult | undefined;
    if (whole) return whole;
    const nums = ring.nums;
    const n = slot * STRIDE;
    const alerts = refs[r + REF_ALERTS] as HostAlert[] | undefined;
    // One literal in NUMS' order (n + 2 is remoteTimeMs ...): every rebuilt probe has one shape.
    const probe: HostProbe = {
      hostname: refs[r + REF_HOSTNAME] as string,
      remoteTimeMs: nums[n + 2] as number,
      uptimeSec: nums[n + 3] as number,
      load1: nums[n + 4] as number,
      load5: nums[n + 5] as number,
      load15: nums[n + 6] as number,
      cpus: nums[n + 7] as number,
      memTotalBytes: nums[n + 8] as number,
      memAvailableBytes: nums[n + 9] as number,
      swapTotalBytes: nums[n + 10] as number,
      swapFreeBytes: nums[n + 11] as number,
      kernel: refs[r + REF_KERNEL] as string,
      init: refs[r + REF_INIT] as HostProbe['init'],
      volumes: NONE,
      services: NONE,
      warnings: NONE,
      ...(alerts ? { alerts } : {}),
    };
    const hasLatency = ((nums[n + NUMS.length] as number) & HAS_LATENCY) !== 0;
    return {
      machineId,
      at: nums[n] as number,
      reach: refs[r + REF_REACH] as Reachability,
      ...(hasLatency ? { latencyMs: nums[n + 1] as number } : {}),
      probe,
    };
  }
}

/** A poll with a key the columns do not hold (an error, a host key, raw output) is kept whole. */
function hasOtherKeys(poll: PollResult): boolean {
  for (const key in poll) if (!POLL_KEYS.has(key)) return true;
  return false;
}

import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ActionPlan,
  ActionResult,
  Finding,
  FleetEvent,
  HostProbe,
  Machine,
  PollResult,
  Severity,
  TrendReader,
  UserAction,
} from '../model/index.js';
import { worstSeverity } from '../model/index.js';

/** What the console knows about one host right now. */
export interface HostState {
  machine: Machine;
  /** The latest poll, good or bad. */
  last?: PollResult;
  /** The latest successful probe; kept when later polls fail so the operator still sees it (as stale). */
  probe?: HostProbe;
  probeAt?: number;
  findings: Finding[];
  severity: Severity;
  /** Id of the action running on this host, if any (one at a time per host). */
  busyAction?: string;
  /** last/probe come from the fleet cache of an earlier run: shown as stale until a fresh poll lands. */
  cached?: boolean;
  /** The part of `findings` derived from other hosts' polls (a file server named by its clients' mounts). */
  derived?: Finding[];
}

/** A poll of an earlier run with the findings shown for it then: its own, and those derived from other hosts. */
export interface CachedPoll {
  result: PollResult;
  findings: Finding[];
  derived?: Finding[];
}

/**
 * hosts[id] when `id` names a host: never a property every object has ("constructor", "toString"),
 * for ids that come from elsewhere (polls of a removed host, a cache, an intent).
 */
export function hostOf(hosts: Readonly<Record<string, HostState>>, id: string): HostState | undefined {
  return Object.hasOwn(hosts, id) ? hosts[id] : undefined;
}

/** Findings of each host derived from the whole fleet after a batch (see applyPolls). */
export type DeriveFindings = (hosts: readonly HostState[]) => Map<string, Finding[]>;

export interface ActionRun {
  id: string;
  plan: ActionPlan;
  state: 'running' | 'succeeded' | 'failed';
  startedAt: number;
  finishedAt?: number;
  result?: ActionResult;
}

export interface RolloutStep {
  machineId: string;
  state: 'pending' | 'running' | 'verifying' | 'ok' | 'failed' | 'skipped';
  detail?: string;
  /** A failed step's last lines of output (sanitized), so the reason is shown where the operator looks. */
  output?: string;
}

/** A pool repair in progress or just ended (canary first, then batches). */
export interface RolloutView {
  id: string;
  title: string;
  state: 'running' | 'done' | 'stopped';
  steps: RolloutStep[];
  reason?: string;
}

export interface ProviderStatus {
  ok: boolean;
  message?: string;
  machines: number;
  /** Its first listing is still out (the message says what is being listed). */
  listing?: boolean;
}

export type LogStreamStatus = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'error';

export interface LogView {
  machineId: string;
  sourceId: string;
  lines: string[];
  /** Lines dropped off the front of the bounded scrollback. */
  dropped: number;
  /** What `lines` hold, counted as UTF-16 (2 bytes a character): bounded by logScrollbackBytes. */
  bytes: number;
  status: LogStreamStatus;
  error?: string;
  /** A log followed across several hosts (a pool, the marked hosts): their machine ids, and per line the index of its host. */
  hosts?: string[];
  origins?: number[];
}

/** `LogView.machineId` of a log followed across several hosts: no host view shows it as its own. */
export const POOL_LOG_ID = '\u0000pool-log';

/** Who accepted a host's known-good baseline, and when (the baseline itself stays in the core). */
export interface BaselineInfo {
  acceptedAt: string;
  acceptedBy: string;
}

export interface FleetData {
  hosts: Record<string, HostState>;
  /** Machine ids in the order providers listed them. */
  order: string[];
  providers: Record<string, ProviderStatus>;
  actions: ActionRun[];
  log?: LogView;
  rollout?: RolloutView;
  readOnly: boolean;
  /** Bumped on every poll batch; lets views show "poll age" without timers of their own. */
  lastPollAt?: number;
  /** Transient one-line message for the status bar. */
  notice?: { text: string; level: 'info' | 'warning' | 'error'; at: number };
  logScrollback: number;
  /** The scrollback's cap in bytes, beside its cap in lines: a log of huge lines stays small. */
  logScrollbackBytes: number;
  /** Hosts with an accepted baseline; absent = no baseline. */
  baselineInfo: Record<string, BaselineInfo>;
  /** The operator's own actions (actions.yaml), for keys, footers and help; fixed at start. */
  userActions: readonly UserAction[];
  /** What happened in this console, newest first, bounded (src/app/fleet-events.ts derives them; the events log keeps them all). */
  events: readonly FleetEvent[];
  /**
   * Host ids the operator marked (Space, :mark): host-, service- and cloud-scoped actions then apply
   * to all of them through a rollout. A host that leaves the fleet leaves the set.
   */
  marked: ReadonlySet<string>;
  /** The bounded per-host history (load, memory, disk, latency), appended by the poller; read as a host's polls land. */
  trends?: TrendReader;
}

export interface FleetActions {
  setMachines(machines: Machine[]): void;
  setProvider(name: string, status: ProviderStatus): void;
  /** Apply a batch of poll results and their findings in one update (one render). */
  applyPolls(batch: { result: PollResult; findings: Finding[] }[], derive?: DeriveFindings): void;
  /** Seed hosts with the polls of the last-known fleet (marked cached); hosts polled since are left alone. */
  restoreCached(batch: CachedPoll[]): void;
  actionStarted(run: ActionRun): void;
  actionFinished(id: string, result: ActionResult): void;
  /** `hosts`: a log followed across these machines (machineId is then POOL_LOG_ID); lines then come with their origins. */
  openLog(machineId: string, sourceId: string, hosts?: string[]): void;
  appendLog(lines: string[], origins?: number[]): void;
  setLogStatus(status: LogStreamStatus, error?: string): void;
  closeLog(): void;
  setRollout(rollout: RolloutView): void;
  updateRolloutStep(machineId: string, patch: Partial<RolloutStep>): void;
  finishRollout(state: 'done' | 'stopped', reason?: string): void;
  notify(text: string, level?: 'info' | 'warning' | 'error'): void;
  /** The status line's notice goes (the screen changed: it was about the one before). */
  clearNotice(): void;
  setBaselineInfo(machineId: string, info: BaselineInfo | undefined): void;
  /** Adds events (given oldest first) to the front of `events`. */
  recordEvents(events: readonly FleetEvent[]): void;
  /** Marks the host, or unmarks it when marked. */
  toggleMark(machineId: string): void;
  /** Adds hosts of the fleet to the marked set. */
  mark(machineIds: readonly string[]): void;
  /** Removes hosts from the marked set; no argument: all. */
  unmark(machineIds?: readonly string[]): void;
}

export type FleetState = FleetData & FleetActions;
export type FleetStore = StoreApi<FleetState>;

const MAX_ACTION_HISTORY = 50;
export const MAX_EVENTS_SHOWN = 2000;
export const DEFAULT_LOG_SCROLLBACK_BYTES = 16 * 1024 * 1024;
const lineBytes = (line: string): number => 2 * line.length;

/** Replaces each host's derived findings; a host whose derived findings did not change keeps its state object. */
function applyDerived(hosts: Record<string, HostState>, derived: Map<string, Finding[]>): void {
  for (const [id, h] of Object.entries(hosts)) {
    const now = derived.get(id) ?? [];
    const before = h.derived ?? [];
    if (JSON.stringify(now) === JSON.stringify(before)) continue;
    const own = h.findings.filter((f) => !before.includes(f));
    const findings = [...own, ...now];
    const next: HostState = { ...h, findings, severity: worstSeverity(findings.map((f) => f.severity)) };
    if (now.length) next.derived = now;
    else delete next.derived;
    hosts[id] = next;
  }
}

export function createFleetStore(
  opts: { readOnly?: boolean; logScrollback?: number; logScrollbackBytes?: number; userActions?: readonly UserAction[]; trends?: TrendReader } = {},
): FleetStore {
  return createStore<FleetState>()((set, get) => ({
    hosts: {},
    order: [],
    providers: {},
    actions: [],
    readOnly: opts.readOnly ?? false,
    logScrollback: opts.logScrollback ?? 5000,
    logScrollbackBytes: opts.logScrollbackBytes ?? DEFAULT_LOG_SCROLLBACK_BYTES,
    baselineInfo: {},
    userActions: opts.userActions ?? [],
    events: [],
    marked: new Set<string>(),
    ...(opts.trends ? { trends: opts.trends } : {}),

    setMachines(machines) {
      const prev = get().hosts;
      // Made as own properties (fromEntries, not assignment): a host named "__proto__" is a host, not the object's prototype.
      const hosts: Record<string, HostState> = Object.fromEntries(
        machines.map((m) => {
          const old = hostOf(prev, m.id);
          return [m.id, old ? { ...old, machine: m } : { machine: m, findings: [], severity: 'ok' }];
        }),
      );
      const marked = get().marked;
      const kept = [...marked].filter((id) => hostOf(hosts, id));
      set({ hosts, order: machines.map((m) => m.id), ...(kept.length === marked.size ? {} : { marked: new Set(kept) }) });
    },

    setProvider(name, status) {
      set({ providers: { ...get().providers, [name]: status } });
    },

    applyPolls(batch, derive) {
      if (batch.length === 0) return;
      const hosts = { ...get().hosts };
      let at = 0;
      for (const { result, findings } of batch) {
        const old = hostOf(hosts, result.machineId);
        if (!old) continue;
        const next: HostState = { ...old, last: result, findings, severity: worstSeverity(findings.map((f) => f.severity)) };
        delete next.cached;
        delete next.derived;
        if (result.probe) {
          next.probe = result.probe;
          next.probeAt = result.at;
        }
        hosts[result.machineId] = next;
        at = Math.max(at, result.at);
      }
      if (derive) applyDerived(hosts, derive(Object.values(hosts)));
      set({ hosts, lastPollAt: at || Date.now() });
    },

    restoreCached(batch) {
      const hosts = { ...get().hosts };
      let changed = false;
      for (const { result, findings: own, derived } of batch) {
        const old = hostOf(hosts, result.machineId);
        if (!old || old.last) continue;
        const findings = derived ? [...own, ...derived] : own;
        const next: HostState = { ...old, last: result, findings, severity: worstSeverity(findings.map((f) => f.severity)), cached: true };
        if (derived) next.derived = derived;
        if (result.probe) {
          next.probe = result.probe;
          next.probeAt = result.at;
        }
        hosts[result.machineId] = next;
        changed = true;
      }
      if (changed) set({ hosts });
    },

    actionStarted(run) {
      const hosts = { ...get().hosts };
      const h = hostOf(hosts, run.plan.intent.machineId);
      if (h) hosts[run.plan.intent.machineId] = { ...h, busyAction: run.id };
      set({ hosts, actions: [run, ...get().actions].slice(0, MAX_ACTION_HISTORY) });
    },

    actionFinished(id, result) {
      const actions = get().actions.map((a) =>
        a.id === id
          ? { ...a, result, finishedAt: Date.now(), state: result.exitCode === 0 && !result.error ? ('succeeded' as const) : ('failed' as const) }
          : a,
      );
      const run = actions.find((a) => a.id === id);
      const hosts = { ...get().hosts };
      if (run) {
        const h = hostOf(hosts, run.plan.intent.machineId);
        if (h && h.busyAction === id) hosts[run.plan.intent.machineId] = { ...h, busyAction: undefined };
      }
      set({ actions, hosts });
    },

    openLog(machineId, sourceId, hosts) {
      set({ log: { machineId, sourceId, lines: [], dropped: 0, bytes: 0, status: 'connecting', ...(hosts ? { hosts, origins: [] } : {}) } });
    },

    appendLog(lines, origins) {
      const log = get().log;
      if (!log || lines.length === 0) return;
      const { logScrollback: maxLines, logScrollbackBytes: maxBytes } = get();
      let all = log.lines.concat(lines);
      let bytes = log.bytes;
      for (const l of lines) bytes += lineBytes(l);
      let drop = Math.max(0, all.length - maxLines);
      for (let i = 0; i < drop; i++) bytes -= lineBytes(all[i]!);
      // The newest line is always kept (a single line is already cut to a bounded length).
      while (bytes > maxBytes && drop < all.length - 1) bytes -= lineBytes(all[drop++]!);
      if (drop > 0) all = all.slice(drop);
      // A pool log's origins are trimmed with its lines: line i came from hosts[origins[i]].
      const kept = log.origins ? { origins: log.origins.concat(origins ?? lines.map(() => -1)).slice(drop) } : {};
      set({ log: { ...log, ...kept, lines: all, dropped: log.dropped + drop, bytes, status: log.status === 'connecting' ? 'streaming' : log.status } });
    },

    setLogStatus(status, error) {
      const log = get().log;
      if (!log) return;
      set({ log: { ...log, status, error } });
    },

    closeLog() {
      set({ log: undefined });
    },

    setRollout(rollout) {
      set({ rollout });
    },

    updateRolloutStep(machineId, patch) {
      const r = get().rollout;
      if (!r) return;
      set({ rollout: { ...r, steps: r.steps.map((s) => (s.machineId === machineId ? { ...s, ...patch } : s)) } });
    },

    finishRollout(state, reason) {
      const r = get().rollout;
      if (r) set({ rollout: { ...r, state, reason } });
    },

    notify(text, level = 'info') {
      set({ notice: { text, level, at: Date.now() } });
    },

    clearNotice() {
      if (get().notice) set({ notice: undefined });
    },

    toggleMark(machineId) {
      const marked = new Set(get().marked);
      if (marked.has(machineId)) marked.delete(machineId);
      else if (hostOf(get().hosts, machineId)) marked.add(machineId);
      else return;
      set({ marked });
    },

    mark(machineIds) {
      const hosts = get().hosts;
      const added = machineIds.filter((id) => hostOf(hosts, id) && !get().marked.has(id));
      if (added.length) set({ marked: new Set([...get().marked, ...added]) });
    },

    unmark(machineIds) {
      const marked = get().marked;
      const next = machineIds ? [...marked].filter((id) => !machineIds.includes(id)) : [];
      if (next.length !== marked.size) set({ marked: new Set(next) });
    },

    setBaselineInfo(machineId, info) {
      const old = get().baselineInfo[machineId];
      if (old?.acceptedAt === info?.acceptedAt && old?.acceptedBy === info?.acceptedBy) return;
      const baselineInfo = { ...get().baselineInfo };
      if (info) baselineInfo[machineId] = info;
      else delete baselineInfo[machineId];
      set({ baselineInfo });
    },

    recordEvents(events) {
      if (events.length === 0) return;
      set({ events: [...events].reverse().concat(get().events).slice(0, MAX_EVENTS_SHOWN) });
    },
  }));
}

import type { Finding, FleetEvent, FleetEventKind, Severity } from '../model/index.js';
import type { ActionRun, FleetData, HostState, ProviderStatus } from '../store/index.js';
import { sanitizeLine } from '../util/sanitize.js';

/** The parts of the store events are derived from. */
export type EventSource = Pick<FleetData, 'hosts' | 'actions' | 'providers'>;

/** What the diff last saw of one host: its findings by identity (class + subject), and the host object itself. */
interface KnownHost {
  state: HostState;
  findings: Map<string, Finding>;
  /** Info findings the host had at its first poll: never reported, so their going is not either. */
  quiet: Set<string>;
}

const findingKey = (f: Finding): string => `${f.class}\u0000${f.subject ?? ''}`;
const alertName = (f: Finding): string => sanitizeLine((f.subject ?? '').split('/')[0] ?? '');

/**
 * The one place events come from: successive store states are compared and what changed becomes
 * events (findings raised and cleared, Alertmanager alerts firing and resolving, actions started and
 * finished, providers failing and recovering). The first state it is given is the starting point
 * (nothing is reported for it), so a fleet restored from the cache is not reported again; see
 * findingEvents for a host's first poll.
 *
 * A poll that got no probe (unreachable, timed out) says nothing about the host's other findings:
 * they are kept as they were, not cleared, until a probe answers again.
 */
export class FleetEventDiff {
  private readonly hosts = new Map<string, KnownHost>();
  private readonly actions = new Map<string, ActionRun['state']>();
  private providers: Record<string, ProviderStatus> = {};
  private started = false;

  constructor(private readonly who: string) {}

  update(data: EventSource, now: Date = new Date()): FleetEvent[] {
    const at = now.toISOString();
    const events: FleetEvent[] = [];
    const first = !this.started;
    this.started = true;
    this.diffHosts(data.hosts, at, first ? undefined : events);
    this.diffActions(data.actions, at, first ? undefined : events);
    this.diffProviders(data.providers, at, first ? undefined : events);
    return events;
  }

  private diffHosts(hosts: Record<string, HostState>, at: string, out: FleetEvent[] | undefined): void {
    for (const id of this.hosts.keys()) if (!hosts[id]) this.hosts.delete(id);
    for (const [id, state] of Object.entries(hosts)) {
      const known = this.hosts.get(id);
      if (known?.state === state) continue;
      const before = known?.findings ?? new Map<string, Finding>();
      const now = new Map(state.findings.map((f) => [findingKey(f), f] as const));
      const probed = state.last === undefined || state.last.probe !== undefined;
      if (!probed) for (const [k, f] of before) if (!now.has(k)) now.set(k, f);
      const firstLook = known?.state.last === undefined;
      const quiet = new Set(known?.quiet);
      if (firstLook) for (const [k, f] of now) if (f.severity === 'info') quiet.add(k);
      if (out) out.push(...findingEvents(state, before, now, at, firstLook, quiet));
      for (const k of quiet) if (now.get(k)?.severity !== 'info') quiet.delete(k);
      this.hosts.set(id, { state, findings: now, quiet });
    }
  }

  private diffActions(actions: readonly ActionRun[], at: string, out: FleetEvent[] | undefined): void {
    const seen = new Set<string>();
    // Oldest first (the store keeps the newest first), so a start is reported before its finish.
    for (const run of [...actions].reverse()) {
      seen.add(run.id);
      const was = this.actions.get(run.id);
      this.actions.set(run.id, run.state);
      if (!out || was === run.state) continue;
      if (was === undefined) out.push(actionEvent('action-started', run, this.who, at));
      if (run.state !== 'running') out.push(actionEvent('action-finished', run, this.who, at));
    }
    for (const id of this.actions.keys()) if (!seen.has(id)) this.actions.delete(id);
  }

  private diffProviders(providers: Record<string, ProviderStatus>, at: string, out: FleetEvent[] | undefined): void {
    const before = this.providers;
    this.providers = providers;
    if (!out || before === providers) return;
    for (const [name, status] of Object.entries(providers)) {
      const wasOk = before[name]?.ok ?? true;
      if (wasOk === status.ok) continue;
      const provider = sanitizeLine(name);
      const message = sanitizeLine(status.message ?? '');
      out.push({
        at,
        kind: status.ok ? 'provider-recovered' : 'provider-failed',
        provider,
        summary: status.ok ? `${provider} recovered (${status.machines} hosts)` : `${provider} failing${message ? `: ${message}` : ''}`,
      });
    }
  }
}

const isCritical = (findings: Map<string, Finding>): boolean => [...findings.values()].some((f) => f.severity === 'critical');

/**
 * A host's first poll in this console finds it as it was: its warnings and critical findings are
 * reported (the timeline starts with them), its info findings are not (not-accepted on every host
 * of a large fleet would bury the rest), and a host already critical is no transition to page about.
 */
function findingEvents(state: HostState, before: Map<string, Finding>, now: Map<string, Finding>, at: string, firstLook: boolean, quiet: Set<string>): FleetEvent[] {
  const events: FleetEvent[] = [];
  let turnsCritical = !firstLook && !isCritical(before) && isCritical(now);
  for (const [k, f] of now) {
    const was = before.get(k);
    if (was && was.severity === f.severity) continue;
    if (quiet.has(k) && f.severity === 'info') continue;
    const critical = turnsCritical && f.severity === 'critical';
    if (critical) turnsCritical = false;
    events.push(findingEvent(f.class === 'alert-firing' ? 'alert-firing' : 'finding-raised', state, f, f.severity, at, critical));
  }
  for (const [k, f] of before) {
    if (!now.has(k) && !quiet.has(k)) events.push(findingEvent(f.class === 'alert-firing' ? 'alert-resolved' : 'finding-cleared', state, f, f.severity, at, false));
  }
  return events;
}

function findingEvent(kind: FleetEventKind, state: HostState, f: Finding, severity: Severity, at: string, turnedCritical: boolean): FleetEvent {
  const host = sanitizeLine(state.machine.name);
  const alert = f.class === 'alert-firing' ? alertName(f) : undefined;
  const what = kind === 'alert-resolved' ? `alert ${alert} no longer active (resolved or silenced)` : kind === 'finding-cleared' ? `cleared: ${sanitizeLine(f.summary)}` : sanitizeLine(f.summary);
  return {
    at,
    kind,
    machineId: sanitizeLine(state.machine.id),
    host,
    class: f.class,
    severity,
    ...(f.subject !== undefined ? { subject: sanitizeLine(f.subject) } : {}),
    ...(alert !== undefined ? { alert } : {}),
    summary: what,
    ...(turnedCritical ? { hostTurnedCritical: true } : {}),
  };
}

function actionEvent(kind: 'action-started' | 'action-finished', run: ActionRun, who: string, at: string): FleetEvent {
  const host = sanitizeLine(run.plan.hostName);
  const title = sanitizeLine(run.plan.title);
  const r = run.result;
  const exit = r?.exitCode ?? null;
  const outcome = run.state === 'succeeded' ? 'succeeded' : `failed${r?.error ? `: ${sanitizeLine(r.error)}` : ''}`;
  return {
    at,
    kind,
    machineId: sanitizeLine(run.plan.intent.machineId),
    host,
    operator: sanitizeLine(who),
    action: sanitizeLine(run.plan.intent.action),
    actionId: run.id,
    ...(kind === 'action-finished' ? { exitCode: exit } : {}),
    summary: kind === 'action-started' ? `${sanitizeLine(who)} started ${title}` : `${title} ${outcome} (exit ${exit ?? '-'})`,
  };
}

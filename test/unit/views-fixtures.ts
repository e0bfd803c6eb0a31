// Shared fixtures for the selector and view tests: a small realistic fleet.
import { keyProgress } from '../../views/terminal/key-dispatch.js';
import type { ActionIntent, ActionPlan, Finding, HostProbe, Machine, PollResult, ServiceStatus, VolumeStatus } from '../../src/model/index.js';
import { createFleetStore, POOL_LOG_ID, type FleetStore, type Intents, type PoolRepairRequest, type ReviewedHostKey, type TrustOutcome } from '../../src/store/index.js';

const GiB = 1024 ** 3;

export function machine(id: string, pool: string, extra: Partial<Machine> = {}): Machine {
  const unit = pool === 'web' ? 'nginx' : pool === 'db' ? 'postgresql' : 'redis';
  return {
    id,
    name: id,
    provider: 'datacenter',
    site: 'fra1',
    pool,
    role: pool === 'web' ? 'frontend' : pool === 'db' ? 'database' : 'cache',
    ssh: { host: '127.0.0.1', port: 2222, user: 'ops', identityFiles: [], knownHostsFiles: [] },
    services: pool === 'web' ? ['nginx', 'php-fpm'] : [unit],
    logs: [
      { id: 'unit:' + unit, kind: 'unit', target: unit },
      { id: 'file:/var/log/syslog', kind: 'file', target: '/var/log/syslog' },
    ],
    origin: 'inventory.yaml:1',
    ...extra,
  };
}

export function service(name: string, active = 'active', extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    name,
    active,
    sub: active === 'active' ? 'running' : active === 'failed' ? 'failed' : 'dead',
    load: 'loaded',
    sinceMs: NOW - 3_600_000,
    restarts: 0,
    mainPid: active === 'active' ? 1234 : 0,
    description: `The ${name} daemon`,
    init: 'systemd',
    ...extra,
  };
}

export function volume(mount: string, usedPct: number, inodePct = 10, readOnly = false): VolumeStatus {
  const size = 40 * GiB;
  const used = Math.round((size * usedPct) / 100);
  return {
    mount,
    device: '/dev/vda1',
    fstype: 'ext4',
    sizeBytes: size,
    usedBytes: used,
    availBytes: size - used,
    inodesTotal: 1_000_000,
    inodesUsed: inodePct * 10_000,
    readOnly,
  };
}

export function probe(hostname: string, extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname,
    remoteTimeMs: NOW - 3000,
    uptimeSec: 3 * 86400 + 3600,
    load1: 0.42,
    load5: 0.3,
    load15: 0.2,
    cpus: 4,
    memTotalBytes: 8 * GiB,
    memAvailableBytes: 6 * GiB,
    swapTotalBytes: 0,
    swapFreeBytes: 0,
    kernel: '6.1.0-18-amd64',
    init: 'systemd',
    volumes: [volume('/', 30), volume('/var', 50)],
    services: [],
    warnings: [],
    ...extra,
  };
}

/** "Now" of the fixtures: a second ago, so the poll ages stay small in real-time renders. */
export const NOW = Date.now() - 1000;

export const PHP_DOWN: Finding = {
  machineId: 'web2',
  class: 'service-down',
  severity: 'critical',
  summary: 'php-fpm is failed',
  evidence: ['php-fpm: ActiveState=failed SubState=failed', 'NRestarts=3'],
  subject: 'php-fpm',
  repairs: [
    { action: 'service.restart', params: { service: 'php-fpm' }, label: 'restart php-fpm' },
    { action: 'service.start', params: { service: 'php-fpm' }, label: 'start php-fpm' },
  ],
};

/** web1 ok, web2 php-fpm failed (critical finding), db1 slow + loaded, cache1 unreachable (stale numbers), new1 pending. */
export function fleetStore(opts: Parameters<typeof createFleetStore>[0] = {}): FleetStore {
  const store = createFleetStore(opts);
  store.getState().setMachines([
    machine('web1', 'web'),
    machine('web2', 'web'),
    machine('db1', 'db', { provider: 'sshconfig', site: 'ams2' }),
    machine('cache1', 'cache'),
    machine('new1', 'cache'),
  ]);
  const ok = (id: string, p: HostProbe, extra: Partial<PollResult> = {}, findings: Finding[] = []) => ({
    result: { machineId: id, at: NOW - 3000, reach: 'ok' as const, latencyMs: 40, probe: p, ...extra },
    findings,
  });
  // An older, successful poll of cache1 first, then a failing one.
  store.getState().applyPolls([ok('cache1', probe('cache1', { load1: 0.1, services: [service('redis')] }), { at: NOW - 120_000 })]);
  store.getState().applyPolls([
    ok('web1', probe('web1', { services: [service('nginx'), service('php-fpm')] })),
    ok('web2', probe('web2', { load1: 1.5, services: [service('nginx'), service('php-fpm', 'failed', { restarts: 3 })] }), {}, [PHP_DOWN]),
    ok(
      'db1',
      probe('db1', { load1: 7.25, memAvailableBytes: 1 * GiB, volumes: [volume('/', 20), volume('/srv/pg', 91)], services: [service('postgresql')] }),
      { reach: 'slow', latencyMs: 2500 },
    ),
    {
      result: { machineId: 'cache1', at: NOW - 2000, reach: 'unreachable', error: 'connect ECONNREFUSED 127.0.0.1:2222' },
      findings: [{ machineId: 'cache1', class: 'unreachable', severity: 'critical', summary: 'cache1 is unreachable', evidence: ['ECONNREFUSED'], repairs: [] }],
    },
  ]);
  return store;
}

/** A recording Intents: plan builds a plan the way the view contract expects; everything else records its call. */
export class RecordingIntents implements Intents {
  calls: { name: string; args: unknown[] }[] = [];
  refuse?: string;
  /** Per action id: what the planner would refuse it with (shown as unavailable, and refused by plan). */
  unavailableReasons: Record<string, string> = {};
  constructor(private readonly store?: FleetStore) {}

  unavailable(intent: ActionIntent): string | undefined {
    return this.unavailableReasons[intent.action];
  }

  plan(intent: ActionIntent): { plan: ActionPlan } | { refused: string } {
    this.calls.push({ name: 'plan', args: [intent] });
    if (this.refuse) return { refused: this.refuse };
    const why = this.unavailableReasons[intent.action];
    if (why) return { refused: why };
    const verb = intent.action.split('.')[1] ?? 'restart';
    const svc = intent.params['service'] ?? '';
    return {
      plan: {
        intent,
        title: `${verb} ${svc}`,
        hostName: intent.machineId,
        command: `sudo -n systemctl ${verb} -- '${svc}.service'`,
        expected: `${svc} is active (running)`,
        transport: 'ssh',
      },
    };
  }
  async run(plan: ActionPlan): Promise<{ refused: string } | void> {
    this.calls.push({ name: 'run', args: [plan] });
    const s = this.store?.getState();
    if (!s) return;
    const id = 'run-' + this.calls.length;
    s.actionStarted({ id, plan, state: 'running', startedAt: Date.now() });
    s.actionFinished(id, { exitCode: 0, outputTail: 'restarted ok', durationMs: 12 });
  }
  openLog(machineId: string, sourceId: string): void {
    this.calls.push({ name: 'openLog', args: [machineId, sourceId] });
    this.store?.getState().openLog(machineId, sourceId);
  }
  openPoolLog(machineIds: readonly string[], sourceId: string): void {
    this.calls.push({ name: 'openPoolLog', args: [machineIds, sourceId] });
    this.store?.getState().openLog(POOL_LOG_ID, sourceId, [...machineIds]);
  }
  closeLog(): void {
    this.calls.push({ name: 'closeLog', args: [] });
    this.store?.getState().closeLog();
  }
  async trustHostKey(machineId: string, reviewed: ReviewedHostKey): Promise<TrustOutcome> {
    this.calls.push({ name: 'trustHostKey', args: [machineId, reviewed] });
    return { trusted: true, message: `trusted ${reviewed.fingerprint}` };
  }
  refresh(machineId?: string): void {
    this.calls.push({ name: 'refresh', args: [machineId] });
  }
  async openShell(machineId: string): Promise<{ refused: string } | { exitCode: number | null }> {
    this.calls.push({ name: 'openShell', args: [machineId] });
    return { exitCode: 0 };
  }
  async repairPool(req: PoolRepairRequest): Promise<void> {
    this.calls.push({ name: 'repairPool', args: [req] });
  }
  async acceptBaseline(scope: { machineId: string } | { pool: string }): Promise<void> {
    this.calls.push({ name: 'acceptBaseline', args: [scope] });
  }
  /** What preview() answers; a pending promise until resolvePreview() when `holdPreview` is set. */
  previewText = 'would free 12.4 MiB (13002342 bytes) in 37 files';
  holdPreview = false;
  private release: (() => void) | undefined;
  resolvePreview(): void {
    this.release?.();
  }
  async preview(plan: ActionPlan): Promise<string> {
    this.calls.push({ name: 'preview', args: [plan] });
    if (this.holdPreview) await new Promise<void>((r) => (this.release = r));
    return this.previewText;
  }
  called(name: string) {
    return this.calls.filter((c) => c.name === name);
  }
}

/**
 * Types keys into an ink-testing-library app one at a time. After each, it waits for Ink to read it
 * (a lone Escape is flushed on the next turn) and for the key dispatcher to have committed every key
 * it handed out: the frame then shows what the key did (Ink renders each commit at once in tests).
 */
export async function typeKeys(r: { stdin: { write(data: string): void }; frames: string[] }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    r.stdin.write(k);
    await new Promise((res) => setImmediate(res));
    await new Promise<void>((res) => {
      const check = () => {
        if (keyProgress.committed < keyProgress.handed) return;
        keyProgress.listeners.delete(check);
        res();
      };
      keyProgress.listeners.add(check);
      check();
    });
    // React runs the commit's passive effects (what a screen starts on showing, e.g. a preview) on the next turn.
    await new Promise((res) => setImmediate(res));
  }
}

/** A poll that answered at `at`: nginx active, php-fpm failed. */
export function okPoll(id: string, at: number): PollResult {
  return { machineId: id, at, reach: 'ok', latencyMs: 12, probe: probe(id, { services: [service('nginx'), service('php-fpm', 'failed')] }) };
}

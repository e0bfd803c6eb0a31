import type { CloudActionOutcome, CloudListing, CloudProvider, Machine, ProviderHealth } from '../../src/model/index.js';
import { systemEnv, type ProviderEnv } from '../ssh-defaults.js';
import { runEc2Action } from './actions.js';
import { ClientFactory, loadSdk, type Ec2Sdk } from './client.js';
import type { Ec2Account, Ec2Config } from './config.js';
import { errorLine, isNoCredentials, NO_CREDENTIALS } from './errors.js';
import { enabledRegions, listRegion } from './list-region.js';
import { toEc2Info, toMachine } from './map.js';
import { missingProfileMessage } from './profiles.js';

export { resolveEc2Config, type Ec2Config, type Ec2Flags } from './config.js';

/** The status-bar key of one account/region. */
export const partName = (account: string, region: string) => `ec2:${account}:${region}`;

/**
 * The EC2 provider: lists every configured account and region in parallel, then each region alone on
 * its own schedule (see partLister); a region that fails is
 * marked with a one-line reason (its last good list is kept) while the others still show.
 * No credentials at all turn the provider off with one reason, never a crash.
 */
export class Ec2Provider implements CloudProvider {
  readonly name = 'ec2';
  private sdk: Ec2Sdk | undefined;
  private clients: ClientFactory | undefined;
  private lastGood = new Map<string, Machine[]>();
  private regionCache = new Map<string, string[]>();
  /** Every account/region part a listing has named: each can then be listed alone. */
  private regionParts = new Map<string, { account: Ec2Account; region: string }>();

  constructor(
    readonly config: Ec2Config,
    private readonly env: ProviderEnv = systemEnv(),
  ) {}

  private async ready(): Promise<{ sdk: Ec2Sdk; clients: ClientFactory }> {
    this.sdk ??= await loadSdk();
    this.clients ??= new ClientFactory(this.sdk, { maxAttempts: this.config.maxAttempts });
    return { sdk: this.sdk, clients: this.clients };
  }

  private async regionsOf(account: Ec2Account): Promise<string[]> {
    const { sdk, clients } = await this.ready();
    if (account.regions === 'all') {
      const cached = this.regionCache.get(account.name);
      if (cached) return cached;
      const home = await clients.get(account, undefined).config.region().catch(() => 'us-east-1');
      const list = await enabledRegions(sdk, clients.get(account, home));
      this.regionCache.set(account.name, list);
      return list;
    }
    if (account.regions.length) return account.regions;
    // No region given: the one the profile or environment names, as the aws CLI would use.
    const region = await clients.get(account, undefined).config.region();
    return [region];
  }

  seed(machines: readonly Machine[]): void {
    for (const m of machines) {
      if (m.provider !== 'ec2' || !m.cloud) continue;
      const key = partName(m.cloud.account, m.cloud.region);
      const list = this.lastGood.get(key) ?? [];
      list.push(m);
      this.lastGood.set(key, list);
    }
  }

  /** What the status bar says while the first listing is out: "listing EC2 (us-east-1, eu-west-1)…". */
  listingText(): string {
    const where = this.config.accounts.flatMap((a) => (a.regions === 'all' ? ['all regions'] : a.regions.length ? a.regions : ['the profile region']));
    return `listing EC2 (${[...new Set(where)].join(', ')})…`;
  }

  /**
   * Lists every account and region in parallel. Each region's rows go to `onProgress` as soon as that
   * region answers (with the last good rows of the regions still out); from then on `partLister`
   * lists it alone, so a throttled or slow region never holds back the others.
   */
  async list(onProgress?: (partial: CloudListing) => void): Promise<CloudListing> {
    await this.ready();
    const parts: Record<string, ProviderHealth> = {};
    const answered = new Set<string>();
    let noCredentials = 0;
    let total = 0;
    // Each region's list is its last good one from the moment it answers: a part listed alone
    // meanwhile (partLister) may have replaced it with a newer one, which then wins.
    const current = (): Machine[] => [...this.lastGood.values()].flat().sort((a, b) => a.id.localeCompare(b.id));
    await Promise.all(
      this.config.accounts.map(async (account) => {
        let regions: string[];
        const missing = account.profile ? missingProfileMessage(account.profile, process.env, this.env.home) : undefined;
        if (missing) {
          total++;
          parts[`ec2:${account.name}`] = { ok: false, message: missing, machines: 0 };
          return;
        }
        try {
          regions = await this.regionsOf(account);
        } catch (err) {
          const why = /region is missing/i.test(String((err as Error)?.message)) ? 'no region: pass --region or set region in the profile' : errorLine(err);
          if (isNoCredentials(err)) noCredentials++;
          total++;
          parts[`ec2:${account.name}`] = { ok: false, message: why, machines: 0 };
          return;
        }
        await Promise.all(
          regions.map(async (region) => {
            const key = partName(account.name, region);
            total++;
            this.regionParts.set(key, { account, region });
            const r = await this.listOneRegion(account, region);
            if (r.noCredentials) noCredentials++;
            answered.add(key);
            this.lastGood.set(key, r.machines);
            parts[key] = r.health;
            onProgress?.({ machines: current(), parts: { ...parts } });
          }),
        );
      }),
    );
    if (total > 0 && noCredentials === total) return { machines: [], parts: { ec2: { ok: false, message: NO_CREDENTIALS, machines: 0 } } };
    const machines = [...answered].flatMap((key) => this.lastGood.get(key) ?? []).sort((a, b) => a.id.localeCompare(b.id));
    return { machines, parts };
  }

  /**
   * One account/region alone (a part an earlier listing named), so each region refreshes on its own
   * schedule: the other regions' rows come from their last good lists. Undefined for any other part
   * (an account that failed before its regions were known, no credentials): list the whole provider.
   */
  partLister(part: string): (() => Promise<CloudListing>) | undefined {
    const where = this.regionParts.get(part);
    if (!where) return undefined;
    return async () => {
      const r = await this.listOneRegion(where.account, where.region);
      this.lastGood.set(part, r.machines);
      const machines = [...this.lastGood.values()].flat().sort((a, b) => a.id.localeCompare(b.id));
      return { machines, parts: { [part]: r.health } };
    };
  }

  /** One region's machines and health; a failure keeps its last good list. Never throws. */
  private async listOneRegion(account: Ec2Account, region: string): Promise<{ machines: Machine[]; health: ProviderHealth; noCredentials: boolean }> {
    const key = partName(account.name, region);
    try {
      const { sdk, clients } = await this.ready();
      const r = await listRegion(sdk, clients.get(account, region), this.config.pageSize);
      const machines = r.instances.map((i) =>
        toMachine(toEc2Info(i, account, region, r.statuses.get(i.InstanceId ?? ''), r.volumes), this.config, this.env),
      );
      return { machines, health: { ok: true, machines: machines.length }, noCredentials: false };
    } catch (err) {
      const kept = this.lastGood.get(key) ?? [];
      const message = errorLine(err) + (kept.length ? ' (showing the last good list)' : '');
      return { machines: kept, health: { ok: false, message, machines: kept.length }, noCredentials: isNoCredentials(err) };
    }
  }

  async run(machine: Machine, action: string): Promise<CloudActionOutcome> {
    try {
      const { sdk, clients } = await this.ready();
      return await runEc2Action(sdk, clients, this.config.accounts, machine, action);
    } catch (err) {
      return { ok: false, output: '', error: errorLine(err), durationMs: 0 };
    }
  }

  close(): void {
    this.clients?.close();
  }
}

import type { Ec2Settings } from '../../src/model/index.js';
import { closest } from '../../src/util/config-error.js';
import { isRegionName } from '../../src/util/region-code.js';

/** A region or profile that cannot be used; the message names it and says what to do. */
export class Ec2ConfigError extends Error {}

const KNOWN_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-south-1', 'ap-south-2', 'ap-east-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'me-south-1',
  'me-central-1', 'il-central-1', 'af-south-1', 'us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1',
];

/** Throws Ec2ConfigError naming the first region that is not spelled as AWS spells regions. */
export function checkRegions(regions: readonly string[], from: string): void {
  for (const r of regions) {
    if (r === 'all' || isRegionName(r)) continue;
    const near = closest(r.toLowerCase().replace(/_/g, '-'), KNOWN_REGIONS);
    throw new Ec2ConfigError(`${from}: "${r}" is not an AWS region name (like eu-west-1)${near ? `; did you mean ${near}?` : ''}`);
  }
}

export interface Ec2Account {
  /** Label shown in ids and the status bar: the profile name, or "default". */
  name: string;
  profile?: string;
  /** false: its instances are not probed over SSH (cloud state, checks and events only). Default: the ec2.ssh.probe setting. */
  sshProbe?: boolean;
  /** Empty = the profile's (or environment's) own region; 'all' = every enabled region (DescribeRegions). */
  regions: string[] | 'all';
}

export interface Ec2TagKeys {
  name: string;
  pool: string;
  role: string;
  user: string;
}

export interface Ec2SshConfig {
  /** Probe instances over SSH at all (ec2.ssh.probe); an account may say otherwise. */
  probe: boolean;
  address: 'private' | 'public';
  user: string;
  port: number;
  key?: string;
  jump?: string;
  knownHosts?: string;
}

export interface Ec2Config {
  accounts: Ec2Account[];
  tagKeys: Ec2TagKeys;
  ssh: Ec2SshConfig;
  refreshMs: number;
  maxAttempts: number;
  /** DescribeInstances page size (5..1000). */
  pageSize: number;
}

/** What the command line says about EC2. */
export interface Ec2Flags {
  ec2: boolean;
  profiles: string[];
  regions: string[];
}

export const DEFAULT_TAG_KEYS: Ec2TagKeys = { name: 'Name', pool: 'remlite:pool', role: 'remlite:role', user: 'remlite:user' };
export const DEFAULT_SSH_USER = 'ec2-user';

function regionsOf(list: string[] | 'all' | undefined): string[] | 'all' {
  if (list === 'all') return 'all';
  const regions = [...new Set(list ?? [])];
  return regions.includes('all') ? 'all' : regions;
}

/**
 * Settings + flags → the EC2 configuration, or undefined when EC2 is off. Flags win: `--profile`
 * (repeatable) gives one account per profile, `--region` (repeatable, or `all`) replaces the regions.
 */
export function resolveEc2Config(settings: Ec2Settings | undefined, flags: Ec2Flags, env: NodeJS.ProcessEnv = process.env): Ec2Config | undefined {
  const enabled = flags.ec2 || flags.profiles.length > 0 || flags.regions.length > 0 || settings?.enabled === true;
  if (!enabled) return undefined;
  checkRegions(flags.regions, '--region');
  const cliRegions = flags.regions.length ? regionsOf(flags.regions) : undefined;
  const fromSettings = settings?.accounts ?? [];
  for (const a of fromSettings) if (Array.isArray(a.regions)) checkRegions(a.regions, `ec2 account "${a.name}" in the settings`);
  const probeOf = (a: { ssh?: { probe?: boolean } } | undefined) => (a?.ssh?.probe === undefined ? {} : { sshProbe: a.ssh.probe });
  let accounts: Ec2Account[];
  if (flags.profiles.length) {
    accounts = [...new Set(flags.profiles)].map((profile) => {
      const known = fromSettings.find((a) => a.profile === profile || a.name === profile);
      return { name: known?.name ?? profile, profile, regions: cliRegions ?? regionsOf(known?.regions), ...probeOf(known) };
    });
  } else if (fromSettings.length) {
    accounts = fromSettings.map((a) => ({ name: a.name, ...(a.profile ? { profile: a.profile } : {}), regions: cliRegions ?? regionsOf(a.regions), ...probeOf(a) }));
  } else {
    // The SDK's default chain: AWS_PROFILE (or the default profile), env keys, SSO, instance role.
    accounts = [{ name: env['AWS_PROFILE'] || 'default', regions: cliRegions ?? [] }];
  }
  const s = settings?.ssh ?? {};
  return {
    accounts,
    tagKeys: { ...DEFAULT_TAG_KEYS, ...settings?.tagKeys },
    ssh: {
      probe: s.probe ?? true,
      address: s.address ?? 'private',
      user: s.user ?? DEFAULT_SSH_USER,
      port: s.port ?? 22,
      ...(s.key ? { key: s.key } : {}),
      ...(s.jump ? { jump: s.jump } : {}),
      ...(s.knownHosts ? { knownHosts: s.knownHosts } : {}),
    },
    refreshMs: Math.round((settings?.refreshSec ?? 30) * 1000),
    maxAttempts: settings?.maxAttempts ?? 5,
    pageSize: 500,
  };
}

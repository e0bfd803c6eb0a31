import type { Ec2Settings } from '../../src/model/index.js';

export interface Ec2Account {
  /** Label shown in ids and the status bar: the profile name, or "default". */
  name: string;
  profile?: string;
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
  const cliRegions = flags.regions.length ? regionsOf(flags.regions) : undefined;
  const fromSettings = settings?.accounts ?? [];
  let accounts: Ec2Account[];
  if (flags.profiles.length) {
    accounts = [...new Set(flags.profiles)].map((profile) => {
      const known = fromSettings.find((a) => a.profile === profile || a.name === profile);
      return { name: known?.name ?? profile, profile, regions: cliRegions ?? regionsOf(known?.regions) };
    });
  } else if (fromSettings.length) {
    accounts = fromSettings.map((a) => ({ name: a.name, ...(a.profile ? { profile: a.profile } : {}), regions: cliRegions ?? regionsOf(a.regions) }));
  } else {
    // The SDK's default chain: AWS_PROFILE (or the default profile), env keys, SSO, instance role.
    accounts = [{ name: env['AWS_PROFILE'] || 'default', regions: cliRegions ?? [] }];
  }
  const s = settings?.ssh ?? {};
  return {
    accounts,
    tagKeys: { ...DEFAULT_TAG_KEYS, ...settings?.tagKeys },
    ssh: {
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

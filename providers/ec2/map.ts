import type { Instance, InstanceStatus, Volume } from '@aws-sdk/client-ec2';
import type { EbsVolume, Ec2Info, Ec2StatusChecks, Machine, SshTarget } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, expandTilde, parseJumpSpec, type ProviderEnv } from '../ssh-defaults.js';
import type { Ec2Account, Ec2Config } from './config.js';

/** EC2 limits tag values to 256 characters; an EC2-compatible API may not, and the screen is narrower still. */
export const MAX_TAG_CHARS = 256;

/** A tag key or value made safe to draw: no control sequences, bounded length. Still to be quoted before any shell. */
export function sanitizeTag(value: string): string {
  const clean = sanitizeLine(value);
  return clean.length > MAX_TAG_CHARS ? clean.slice(0, MAX_TAG_CHARS - 1) + '…' : clean;
}

/** Login names as useradd accepts them; a tag asking for anything else is ignored. */
export function isSafeUserName(name: string): boolean {
  return /^[a-z_][a-z0-9_-]{0,31}$/i.test(name);
}

const text = (v: unknown) => (typeof v === 'string' ? sanitizeLine(v) : '');
const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

function statusChecks(s: InstanceStatus | undefined): Ec2StatusChecks | undefined {
  if (!s) return undefined;
  return {
    system: text(s.SystemStatus?.Status) || 'unknown',
    instance: text(s.InstanceStatus?.Status) || 'unknown',
    events: (s.Events ?? []).map((e) => ({
      code: text(e.Code) || 'event',
      description: text(e.Description),
      ...(iso(e.NotBefore) ? { notBefore: iso(e.NotBefore) } : {}),
    })),
  };
}

function ebsVolumes(instance: Instance, volumes: readonly Volume[]): EbsVolume[] {
  const id = instance.InstanceId;
  const out: EbsVolume[] = [];
  for (const v of volumes) {
    const att = (v.Attachments ?? []).find((a) => a.InstanceId === id);
    if (!att) continue;
    out.push({
      volumeId: text(v.VolumeId),
      device: text(att.Device),
      sizeGiB: v.Size ?? 0,
      type: text(v.VolumeType),
      state: text(v.State),
      attachState: text(att.State),
      deleteOnTermination: att.DeleteOnTermination === true,
      encrypted: v.Encrypted === true,
    });
  }
  return out.sort((a, b) => a.device.localeCompare(b.device));
}

export function toEc2Info(
  instance: Instance,
  account: Ec2Account,
  region: string,
  status: InstanceStatus | undefined,
  volumes: readonly Volume[],
): Ec2Info {
  const tags: Record<string, string> = {};
  for (const t of instance.Tags ?? []) if (t.Key !== undefined) tags[sanitizeTag(t.Key)] = sanitizeTag(t.Value ?? '');
  const checks = statusChecks(status);
  return {
    instanceId: text(instance.InstanceId),
    region,
    account: account.name,
    ...(account.profile ? { profile: account.profile } : {}),
    state: text(instance.State?.Name) || 'unknown',
    stateReason: sanitizeTag(instance.StateTransitionReason ?? ''),
    instanceType: text(instance.InstanceType),
    az: text(instance.Placement?.AvailabilityZone),
    ...(instance.PrivateIpAddress ? { privateIp: text(instance.PrivateIpAddress) } : {}),
    ...(instance.PublicIpAddress ? { publicIp: text(instance.PublicIpAddress) } : {}),
    ...(iso(instance.LaunchTime) ? { launchTime: iso(instance.LaunchTime) } : {}),
    tags,
    ...(checks ? { status: checks } : {}),
    volumes: ebsVolumes(instance, volumes),
  };
}

/** The SSH target of an instance, or undefined when it has no address of the configured kind. */
export function sshTargetFor(info: Ec2Info, cfg: Ec2Config, env: ProviderEnv): SshTarget | undefined {
  const host = cfg.ssh.address === 'public' ? info.publicIp : info.privateIp;
  if (!host) return undefined;
  const tagUser = info.tags[cfg.tagKeys.user];
  const user = tagUser && isSafeUserName(tagUser) ? tagUser : cfg.ssh.user;
  const identityFiles = cfg.ssh.key ? [expandTilde(cfg.ssh.key, env.home)] : defaultIdentityFiles(env);
  const knownHostsFiles = cfg.ssh.knownHosts ? [expandTilde(cfg.ssh.knownHosts, env.home)] : defaultKnownHostsFiles(env);
  const target: SshTarget = { host, port: cfg.ssh.port, user, identityFiles, knownHostsFiles };
  const jump = cfg.ssh.jump ? parseJumpSpec(cfg.ssh.jump) : undefined;
  if (jump) target.jump = { host: jump.host, port: jump.port ?? 22, user: jump.user ?? env.localUser, identityFiles, knownHostsFiles };
  return target;
}

/** Why an instance is not probed over SSH (probing off for its account, or no address of the configured kind); undefined when it is. */
export function notProbedReason(info: Ec2Info, cfg: Ec2Config, hasAddress: boolean): string | undefined {
  const account = cfg.accounts.find((a) => a.name === info.account);
  if ((account?.sshProbe ?? cfg.ssh.probe) === false) return `SSH probing is off for EC2 account ${info.account} (ec2.ssh.probe: false): cloud state, status checks and events only`;
  if (!hasAddress) return `no ${cfg.ssh.address} address (ec2.ssh.address: ${cfg.ssh.address}): cloud state, status checks and events only`;
  return undefined;
}

/** An instance as a fleet machine: same probe, panes and repairs as any other host once it has an address. */
export function toMachine(info: Ec2Info, cfg: Ec2Config, env: ProviderEnv): Machine {
  const k = cfg.tagKeys;
  const ssh = sshTargetFor(info, cfg, env);
  const notProbed = notProbedReason(info, cfg, ssh !== undefined);
  return {
    id: `ec2:${info.account}:${info.region}:${info.instanceId}`,
    name: info.tags[k.name] || info.instanceId,
    provider: 'ec2',
    site: info.region,
    pool: info.tags[k.pool] || 'ec2',
    role: info.tags[k.role] || '',
    ...(ssh ? { ssh } : {}),
    ...(notProbed ? { notProbed } : {}),
    services: [],
    logs: [],
    origin: `ec2 ${info.account}/${info.region} ${info.instanceId}`,
    cloud: info,
  };
}


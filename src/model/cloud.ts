import type { Machine } from './machine.js';

/** One EBS volume attached to an instance (DescribeVolumes). */
export interface EbsVolume {
  volumeId: string;
  /** Device name the instance sees it under ("/dev/xvda"). */
  device: string;
  sizeGiB: number;
  /** gp3, io2, st1, ... */
  type: string;
  /** Volume state: creating, available, in-use, deleting, deleted, error. */
  state: string;
  /** Attachment state: attaching, attached, detaching, detached, busy. */
  attachState: string;
  deleteOnTermination: boolean;
  encrypted: boolean;
}

/** One scheduled event (maintenance, retirement) of an instance. */
export interface Ec2Event {
  code: string;
  description: string;
  /** ISO time, when known. */
  notBefore?: string;
}

/** DescribeInstanceStatus for one instance; checks are "ok", "impaired", "initializing", "insufficient-data", "not-applicable". */
export interface Ec2StatusChecks {
  system: string;
  instance: string;
  events: Ec2Event[];
}

/** What EC2 says about one instance. Every tag value is already sanitized (safe to draw, still to be quoted). */
export interface Ec2Info {
  instanceId: string;
  region: string;
  /** The account label of the configuration (profile name or "default"), not the numeric id. */
  account: string;
  /** The profile the account is read with, if any (for the equivalent `aws` command). */
  profile?: string;
  /** pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  stateReason: string;
  instanceType: string;
  az: string;
  privateIp?: string;
  publicIp?: string;
  /** ISO time. */
  launchTime?: string;
  tags: Record<string, string>;
  /** Absent until DescribeInstanceStatus answered for the instance. */
  status?: Ec2StatusChecks;
  volumes: EbsVolume[];
  /** API stop / termination protection, when known. */
  protection?: { stop?: boolean; terminate?: boolean };
}

/** A provider's answer for one of its parts (one account/region), shown in the status bar. */
export interface ProviderHealth {
  ok: boolean;
  message?: string;
  machines: number;
  /** Its first listing is still out: the message says what is being listed (shown, not an error). */
  listing?: boolean;
}

/** What a cloud action returned. */
export interface CloudActionOutcome {
  ok: boolean;
  /** Human-readable lines: the API's answer ("i-0abc: running -> stopping"). */
  output: string;
  error?: string;
  durationMs: number;
}

/** How EC2 is configured in the settings file (all optional; docs/ec2.md). */
export interface Ec2Settings {
  enabled?: boolean;
  /** Several accounts side by side, each read through its own profile. */
  accounts?: { name: string; profile?: string; regions?: string[] | 'all'; ssh?: { probe?: boolean } }[];
  /** Tag keys giving name, pool, role and SSH user. */
  tagKeys?: { name?: string; pool?: string; role?: string; user?: string };
  ssh?: {
    /** false: instances are not probed over SSH; the grid shows their cloud state, checks and events (default true). */
    probe?: boolean;
    /** Which address to dial: the private one (default; VPN or jump host) or the public one. */
    address?: 'private' | 'public';
    user?: string;
    port?: number;
    /** Identity file. */
    key?: string;
    /** ProxyJump form: [user@]host[:port]. */
    jump?: string;
    knownHosts?: string;
  };
  /** Seconds between two listings. */
  refreshSec?: number;
  /** SDK attempts per call (adaptive retry). */
  maxAttempts?: number;
}

/** A cloud provider as the core sees it: it lists machines and runs cloud actions. */
export interface CloudProvider {
  name: string;
  /**
   * Lists every machine; one health entry per part (account/region). Never throws. `onProgress` gets
   * the listing so far each time a part answers (parts still out keep their last good machines).
   */
  list(onProgress?: (partial: CloudListing) => void): Promise<CloudListing>;
  /**
   * A lister of one part (as a listing named it) alone, so each part refreshes on its own schedule and a
   * slow part never delays the others; it answers every machine (the other parts' last good ones) and
   * that part's health. Undefined when the part cannot be listed alone (then the whole provider is).
   */
  partLister?(part: string): (() => Promise<CloudListing>) | undefined;
  /** Machines saved from an earlier run (the fleet cache): kept as each part's last good list until that part answers. */
  seed?(machines: readonly Machine[]): void;
  /** The status-bar line while the first listing is out ("listing EC2 (us-east-1, eu-west-1)…"). */
  listingText?(): string;
  /** Runs a cloud action ("ec2.stop") on a machine it listed. Never throws. */
  run(machine: Machine, action: string): Promise<CloudActionOutcome>;
  close?(): void;
}

export interface CloudListing {
  machines: Machine[];
  parts: Record<string, ProviderHealth>;
}

import type { HostChecks } from './checks.js';
import type { Ec2Info } from './cloud.js';

/** Where a machine came from. */
export type ProviderKind = 'local' | 'sshconfig' | 'datacenter' | 'ec2' | 'ansible' | 'prometheus';

/** How to reach a machine over SSH. Absent for the local machine. */
export interface SshTarget {
  /** Address or DNS name actually dialled. */
  host: string;
  port: number;
  user: string;
  /** Identity files to offer, already ~-expanded. */
  identityFiles: string[];
  /** Alias used for known_hosts lookup when it differs from host (HostKeyAlias). */
  hostKeyAlias?: string;
  /** A jump host to tunnel through (ProxyJump, first hop only). */
  jump?: SshTarget;
  /** known_hosts files to verify against, in order; new trust decisions are written to the first. */
  knownHostsFiles: string[];
}

/** A log a host should expose in its Logs pane. */
export interface LogSource {
  /** Stable id within the host: "unit:apache2" or "file:/var/log/syslog". */
  id: string;
  kind: 'unit' | 'file';
  /** Unit name or absolute file path. */
  target: string;
}

/** One machine of the fleet, as the providers describe it. */
export interface Machine {
  /** Unique across the fleet; what the grid shows and the operator types. */
  id: string;
  name: string;
  provider: ProviderKind;
  /** Region for cloud, site for data center, "local" for this machine. */
  site: string;
  pool: string;
  role: string;
  /** undefined = probe locally without SSH. */
  ssh?: SshTarget;
  /** Services the host is expected to run (systemd unit names without .service, or init.d names). */
  services: string[];
  logs: LogSource[];
  /** Where this entry was defined, for error messages ("inventory.yaml:12", "~/.ssh/config:4"). */
  origin: string;
  /** Declared configs, data, permissions, modules and databases to watch (failure matrix). */
  checks?: HostChecks;
  /** Inventory groups the host belongs to (Ansible hosts), by name. */
  groups?: string[];
  /** Why the machine is listed but never probed (an Ansible host with ansible_connection=local, a vaulted address). */
  notProbed?: string;
  /** What the cloud API says about it (EC2 machines only). */
  cloud?: Ec2Info;
  /** Its polls come from a metrics server (Prometheus), not from an SSH probe: SSH only on demand. */
  probedBy?: 'prometheus';
}

/** A config file watched for drift, optionally tied to the service that reads it. */
export interface ConfigDecl {
  path: string;
  service?: string;
  /** Command that validates the config ("apachectl configtest", "sshd -t"); a default is used for known services. */
  test?: string;
}

export interface DatabaseDecl {
  engine: 'mysql';
  name: string;
}

/**
 * A declared health check of a service (Monit-style), checked from the host every poll: an HTTP URL
 * answering `expect` (default: any status below 400), a TCP port accepting, or a command whose
 * output (a number) stays at or under `max` (exit 0 when no max).
 */
export type HealthCheckDecl =
  | { service: string; http: string; expect?: number }
  | { service: string; tcp: number; host?: string }
  | { service: string; cmd: string; max?: number };

/** What the operator declared a host should look like, beyond its services (inventory). */
export interface HostChecks {
  configs: ConfigDecl[];
  /** Files whose mode and ownership must not change (log files a service writes). */
  permFiles: string[];
  /** Data files whose content is checksummed, and of which the console keeps a last good copy. */
  dataPaths: string[];
  /** Kernel modules that must be loaded. */
  modules: string[];
  databases: DatabaseDecl[];
  /** Extra directories the disk cleanup may empty of old files. */
  cleanupPaths: string[];
  /** Declared health checks per service (absent when none). */
  health?: HealthCheckDecl[];
}

export const NO_CHECKS: HostChecks = Object.freeze({
  configs: [],
  permFiles: [],
  dataPaths: [],
  modules: [],
  databases: [],
  cleanupPaths: [],
}) as HostChecks;

/** One declared file as the probe saw it. */
export interface FileStat {
  path: string;
  exists: boolean;
  /** 'link': the declared path itself is a symbolic link (never followed; mode/owner are the link's). */
  kind?: 'file' | 'dir' | 'other' | 'link';
  /** Octal permission bits, e.g. "0640". */
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  /** Content checksum (configs and data files). */
  sha256?: string;
  /** Where the symbolic link points (kind 'link'), sanitized. */
  linkTarget?: string;
  /** Why the file exists but could not be stat'ed or read: "EIO (Input/output error)". */
  unreadable?: string;
}

export interface ConfigTestResult {
  service: string;
  command: string;
  ok: boolean;
  /** Last lines of its output, sanitized by the parser. */
  output: string;
}

export interface DatabaseStatus {
  name: string;
  ok: boolean;
  tables: string[];
  error?: string;
}

/** Known-good state of one host, accepted by an operator ("accept current as good"). */
export interface HostBaseline {
  machineId: string;
  acceptedAt: string;
  acceptedBy: string;
  files: Record<string, BaselineFile>;
  modules: string[];
  databases: Record<string, BaselineDatabase>;
  /** What the accept learned by itself, without any declaration (absent in baselines of older versions). */
  learned?: LearnedState;
}

/** A TCP socket a service listened on at accept; `http` when it answered a HEAD / then. */
export interface LearnedSocket {
  /** systemd unit owning the listening process ("apache2.service"). */
  unit: string;
  /** Address the probe connects to (the listening address; 127.0.0.1 / ::1 for a wildcard). */
  address: string;
  port: number;
  protocol: 'http' | 'tcp';
}

/** A log file a running service wrote at accept. */
export interface LearnedLog {
  unit: string;
  path: string;
}

/** An ext2/3/4 filesystem as it was at accept: errors it had then stay info, new ones are findings. */
export interface LearnedVolume {
  /** Kernel device name ("loop3", "sda1"). */
  device: string;
  mount: string;
  errorsCount?: number;
  state?: string;
  sbErrorCount?: number;
  superblockError?: string;
}

export interface LearnedState {
  /** Service units running at accept ("cron.service"), transient and per-user units left out. */
  units: string[];
  sockets: LearnedSocket[];
  /** Files under /var/log running services held open at accept (their mode and owner are in `files`, kind log). */
  logs?: LearnedLog[];
  /** Non-system schemas of a local MariaDB/MySQL at accept (their tables and dump are in `databases`). */
  databases?: string[];
  /** ext2/3/4 filesystems mounted at accept and their error counters and superblock state. */
  volumes?: LearnedVolume[];
  /** Where the listening sockets came from: `ss -ltnp`, or /proc/net/tcp{,6} + /proc/PID/fd when ss is missing. */
  socketsSource?: 'ss' | 'proc';
  /**
   * Package conffiles that already differed from their package at accept (dpkg --verify / rpm -Va):
   * the known-good set; one drifting after accept is a warning. Absent when not learned.
   */
  conffiles?: string[];
  /** The package manager that verified them. */
  conffilesSource?: 'dpkg' | 'rpm' | 'none';
  /** On a log host: the senders whose per-sender file (/var/log/remote/NAME.log) was written in the hour before accept. */
  logSenders?: string[];
  /** Why something could not be learned (no ss, no systemd...). */
  notes?: string[];
}

export interface BaselineFile {
  kind: 'config' | 'log' | 'data';
  sha256?: string;
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  /** Name of the stored copy inside the host's baseline directory (configs and data files). */
  copy?: string;
}

export interface BaselineDatabase {
  tables: string[];
  /** Name of the newest stored dump inside the host's baseline directory. */
  dump?: string;
  dumpedAt?: string;
  dumpSha256?: string;
}

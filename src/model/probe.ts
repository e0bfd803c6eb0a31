import type { ConfigTestResult, DatabaseStatus, FileStat } from './checks.js';

/** Service state as the probe reports it (systemd vocabulary; sysvinit mapped onto it). */
export interface ServiceStatus {
  name: string;
  /** systemd ActiveState: active, inactive, failed, activating, deactivating, reloading; or "unknown". */
  active: string;
  /** systemd SubState: running, dead, exited, auto-restart, ...; sysvinit: running/dead. */
  sub: string;
  /** LoadState: loaded, not-found, masked, ...; sysvinit: loaded/not-found. */
  load: string;
  /** Epoch milliseconds of the last state change, if known. */
  sinceMs?: number;
  /** systemd NRestarts (restart-loop counter), if known. */
  restarts?: number;
  mainPid?: number;
  description?: string;
  /** Which init system answered. */
  init: 'systemd' | 'sysvinit';
}

/** One mounted filesystem. */
export interface VolumeStatus {
  mount: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  inodesTotal: number;
  inodesUsed: number;
  readOnly: boolean;
}

/** An Alertmanager alert firing on a host (active: neither silenced nor inhibited). Text already sanitized. */
export interface HostAlert {
  name: string;
  /** From the alert's `severity` label: critical (also page, error), info (also none), else warning. */
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  description: string;
  /** ISO time the alert started firing. */
  startsAt: string;
  fingerprint: string;
  /** The alert label that named the host (a silence matches it). */
  hostLabel: string;
  /** The Alertmanager it came from. */
  source: string;
  /** Set while that Alertmanager fails: ISO time of its last good answer, which this alert is from. */
  staleSince?: string;
}

/** A network filesystem (NFS, CIFS, sshfs...) as the probe's detached check found it. */
export interface NetMountStatus {
  mount: string;
  /** What /proc/mounts names as the source: "server:/export", "user@server:/path", "//server/share". */
  device: string;
  fstype: string;
  /** The server's host name or address, from the device; undefined when it names none. */
  server?: string;
  /**
   * ok: answered; stale: failed at once (ENOTCONN, ESTALE); hung: no answer by the deadline;
   * missing: in /etc/fstab (not noauto) but not mounted; unchecked: not checked.
   */
  state: 'ok' | 'stale' | 'hung' | 'missing' | 'unchecked';
  /** hung: host epoch ms when the blocked call started. */
  sinceMs?: number;
  /** stale: the error; unchecked: why. */
  error?: string;
  sizeBytes?: number;
  availBytes?: number;
}

/** The postfix queue as `postqueue -p` reports it: a count, or why there is none. */
export interface MailQueueStatus {
  count?: number;
  unavailable?: string;
}

/** Where rsyslog forwards this host's logs, and (TCP) the states of its connections there. */
export interface LogForwardTarget {
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** TCP: ss states of the forwarder's connections to the target (ESTAB when logs can flow); [] = none. */
  states: string[];
}

/** A sender whose logs a log host keeps in its own file, and when that file was last written. */
export interface LogSender {
  sender: string;
  lastSeenMs: number;
}

/** When and where ext4 last recorded an error on a device (/sys/fs/ext4/DEV/first_error_*, last_error_*). */
export interface FsErrorInfo {
  /** Epoch ms (the kernel's own record, whole seconds). */
  atMs: number;
  /** Kernel function and source line that recorded it ("ext4_lookup:1855"). */
  where?: string;
}

/** A kernel log line naming a device with an error in it. */
export interface KernelLogLine {
  /** Host epoch ms of the line (its boot-relative time plus the host's boot time); undefined when it has none. */
  atMs?: number;
  text: string;
}

/**
 * The state of one ext2/3/4 filesystem mounted on the host (fsstate section): its kernel error
 * counter, its on-disk superblock as dumpe2fs reads it from the device, and the kernel log lines
 * naming the device. Names and text already validated and sanitized by the parser.
 */
export interface FsDeviceState {
  /** Kernel device name ("loop3", "sda1", "dm-0"): what /sys/fs/ext4 and the kernel log call it. */
  device: string;
  /** What the mount table names as the source ("/dev/mapper/vg-data", "/dev/sda1"). */
  source: string;
  mount: string;
  fstype: string;
  /** /sys/fs/ext4/DEV/errors_count; undefined where the kernel keeps none (ext2/3 drivers, old kernels). */
  errorsCount?: number;
  firstError?: FsErrorInfo;
  lastError?: FsErrorInfo;
  /** dumpe2fs -h "Filesystem state": "clean", "clean with errors", "not clean", "not clean with errors". */
  state?: string;
  /** dumpe2fs -h "FS Error count" (kept in the superblock across mounts). */
  sbErrorCount?: number;
  /** The superblock could not be read as an ext2/3/4 one ("Bad magic number in super-block"): corrupt. */
  superblockError?: string;
  /** Why the superblock was not read at all (dumpe2fs missing, permission denied, timed out): unknown, not corrupt. */
  unchecked?: string;
  /** Kernel log lines naming the device with an error (the newest, at most KERNEL_LOG_MAX_LINES in all). */
  kernelErrors: KernelLogLine[];
}

/** A package-managed config file (dpkg conffile, rpm %config) that differs from what its package installed. */
export interface ConffileDrift {
  path: string;
  /** The owning package, when the host could name it (validated name). */
  package?: string;
  /** The file is gone (dpkg/rpm "missing"). */
  missing: boolean;
  /** The verify flags as printed ("??5??????", "S.5....T."), sanitized. */
  flags: string;
}

/** The last run of the heavier checks (package verify, learned database tables), kept on the host between runs. */
export interface HeavyChecks {
  /** Host epoch ms when the run that produced these results started. */
  atMs: number;
  /** fresh: ran in this poll; cached: an earlier run's result (not due yet, or a new run still going). */
  state: 'fresh' | 'cached';
  /** A run still going (started this poll or earlier, not finished by the deadline). */
  running?: boolean;
  /** The package manager that verified: dpkg, rpm, or none found. */
  packageManager: 'dpkg' | 'rpm' | 'none';
  /** Conffiles that differ from their package (complete list, at most MAX_CONFFILES). */
  conffiles: ConffileDrift[];
}

/** A declared path the probe did not touch because it lies on a network mount (a hung server would hang the probe). */
export interface SkippedFile {
  path: string;
  mount: string;
  fstype: string;
}

/** Everything one poll learns about a host. */
export interface HostProbe {
  hostname: string;
  /** Epoch ms on the remote host when the probe ran (clock skew detection). */
  remoteTimeMs: number;
  uptimeSec: number;
  load1: number;
  load5: number;
  load15: number;
  cpus: number;
  memTotalBytes: number;
  memAvailableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
  kernel: string;
  init: 'systemd' | 'sysvinit' | 'unknown';
  volumes: VolumeStatus[];
  services: ServiceStatus[];
  /** Lines the parser did not understand (kept for the operator, never fatal). */
  warnings: string[];
  /** Declared files (configs, permission-watched logs, data) as found. */
  files?: FileStat[];
  /** Declared files not stat'ed or read because they are on a network mount. */
  filesSkipped?: SkippedFile[];
  /** Package verify and learned database tables, from the last heavy run (slower cadence). */
  heavy?: HeavyChecks;
  configTests?: ConfigTestResult[];
  /** Names of the loaded kernel modules (/proc/modules), when modules are declared. */
  modules?: string[];
  /** Declared modules not loaded whose absence the host cannot prove (no readable modules.builtin). */
  modulesUnknown?: string[];
  databases?: DatabaseStatus[];
  /** Learned listening sockets and declared health checks, as the host itself saw them this poll. */
  reach?: ReachCheckResult[];
  /** rsyslog forwarding targets, when the host forwards its logs. */
  logForwarding?: LogForwardTarget[];
  /** Log host: its senders' files (/var/log/remote/NAME.log) and their last write. */
  logSenders?: LogSender[];
  /** The postfix queue, when postfix is installed. */
  mailQueue?: MailQueueStatus;
  /** Network mounts (netmounts section), when the host has any. */
  netMounts?: NetMountStatus[];
  /** The ext2/3/4 filesystems mounted on the host, each with its error counter, superblock state and kernel log errors. */
  fsState?: FsDeviceState[];
  /** Why the kernel log could not be read (dmesg and journalctl -k both failed); undefined when it was. */
  kernelLogUnavailable?: string;
  /** Filesystem error counters (ext4 errors_count) that are not zero. */
  fsErrors?: { device: string; count: number }[];
  /** Alertmanager alerts firing on the host (metrics-fed hosts, with --alertmanager). */
  alerts?: HostAlert[];
}

/** One service check the probe ran from the host: a learned socket or a declared health check. */
export interface ReachCheckResult {
  /** Learned at accept (socket) or declared in the inventory (health). */
  origin: 'learned' | 'declared';
  /** Service name as given (unit suffix .service stripped). */
  service: string;
  /** What was checked, in words: "HEAD / on 127.0.0.1:80", "tcp 127.0.0.1:3306", "cmd postqueue -j | wc -l". */
  check: string;
  ok: boolean;
  /** Why it failed: "timed out after 3 s", "connection refused", "status 500 (expected 200)", "output 250 > 100". */
  detail?: string;
}

/** Reachability of a host as the poller sees it. */
export type Reachability =
  | 'pending' // never probed yet
  | 'ok'
  | 'slow' // answered, but slower than the slow threshold
  | 'unreachable' // connection failed
  | 'timeout' // probe did not answer in time
  | 'untrusted' // host key unknown or changed: never connected
  | 'auth-failed'
  | 'unreadable' // answered but the probe output could not be parsed
  | 'no-ssh' // listed by a provider, but there is no address to log in with
  | 'cloud-stopped'; // cloud instance not running: not probed, its cloud state is shown instead

/** Result of one poll of one host. */
export interface PollResult {
  machineId: string;
  /** When the poll STARTED (before connecting): a poll with `at` >= t saw the host as it was at t or later. */
  at: number;
  reach: Reachability;
  latencyMs?: number;
  probe?: HostProbe;
  /** Human-readable reason when reach is not ok. */
  error?: string;
  /** For untrusted hosts: the offered key, so the operator can decide. */
  hostKey?: HostKeyInfo;
  /** Raw output kept when unreadable. */
  raw?: string;
}

export interface HostKeyInfo {
  /** "ssh-ed25519", "ecdsa-sha2-nistp256", ... */
  type: string;
  /** base64 public key blob */
  base64: string;
  /** "SHA256:..." as ssh-keygen -l prints it. */
  fingerprint: string;
  /** unknown = not in known_hosts; changed = known_hosts has a different key for this host. */
  status: 'unknown' | 'changed' | 'revoked';
  /** The known_hosts name the key would be recorded under ("[127.0.0.1]:2222" or "web1"). */
  knownHostsName: string;
}

import type { FailureClass, Severity } from '../model/index.js';
import { detectDiskFull } from './disk-full.js';
import { detectEc2ScheduledEvent, detectEc2StatusFailed } from './ec2-status-check.js';
import { detectFsReadOnly } from './fs-read-only.js';
import { detectHighLoad } from './high-load.js';
import { detectInodesFull } from './inodes-full.js';
import { detectMemoryPressure } from './memory-pressure.js';
import { detectNetmountUnavailable } from './netmount-unavailable.js';
import { detectMailQueueBacklog } from './mail-queue-backlog.js';
import { detectRemoteLoggingBroken } from './remote-logging-broken.js';
import { detectLogSenderSilent } from './log-sender-silent.js';
import { detectProbeUnreadable } from './probe-unreadable.js';
import { detectServiceDown } from './service-down.js';
import { detectServiceMissing } from './service-missing.js';
import { detectServiceRestartLoop } from './service-restart-loop.js';
import { detectServiceUnresponsive } from './service-unresponsive.js';
import type { Detector } from './types.js';
import { detectClockSkew } from './clock-skew.js';
import { detectAlertFiring } from './alert-firing.js';
import { detectConfigDrift } from './config-drift.js';
import { detectConffileDrift } from './conffile-drift.js';
import { detectConfigTestFailed } from './config-test-failed.js';
import { detectDataCorrupt } from './data-corrupt.js';
import { detectDbTablesMissing } from './db-tables-missing.js';
import { detectFilePerms } from './file-perms.js';
import { detectFileReplaced } from './file-replaced.js';
import { detectFsErrors } from './fs-errors.js';
import { detectModuleMissing } from './module-missing.js';
import { ACCEPT_NEW_ACTION, detectNotAccepted } from './not-accepted.js';
import { detectUnreachable } from './unreachable.js';
import { detectUntrustedHostKey } from './untrusted-host-key.js';

/** One check of the failure matrix, in the spirit of Monit's check catalogue. */
export interface CheckEntry {
  id: string;
  class: FailureClass;
  description: string;
  /** What the probe looks at and which rule fires. */
  how: string;
  /** Severities the check can raise. */
  severities: Severity[];
  /** Repair catalogue ids a finding offers. */
  repairs: string[];
  detect: Detector;
}

export const CHECKS: readonly CheckEntry[] = [
  {
    id: 'reach.unreachable',
    class: 'unreachable',
    description: 'Host cannot be reached, times out, or refuses our SSH credentials',
    how: 'poll reach is unreachable, timeout or auth-failed',
    severities: ['critical'],
    repairs: [],
    detect: detectUnreachable,
  },
  {
    id: 'reach.host-key',
    class: 'untrusted-host-key',
    description: 'Host key unknown, changed or revoked: no connection was made',
    how: 'poll reach is untrusted; the offered key fingerprint is the evidence',
    severities: ['critical'],
    repairs: [],
    detect: detectUntrustedHostKey,
  },
  {
    id: 'reach.probe-unreadable',
    class: 'probe-unreadable',
    description: 'Host answered but the probe output could not be parsed',
    how: 'poll reach is unreadable (truncated output, missing sections)',
    severities: ['warning'],
    repairs: [],
    detect: detectProbeUnreadable,
  },
  {
    id: 'service.down',
    class: 'service-down',
    description: 'An expected or accepted-running service is not running, or a unit failed',
    how: 'expected or learned-at-accept unit not active/reloading, or any unit failed',
    severities: ['warning', 'critical'],
    repairs: ['config.restore', 'service.restart', 'service.start'],
    detect: detectServiceDown,
  },
  {
    id: 'service.unresponsive',
    class: 'service-unresponsive',
    description: 'A running service does not answer on its port or its declared health check',
    how: 'unit active, but a port learned at accept or a declared health check fails',
    severities: ['critical'],
    repairs: ['service.force-restart', 'service.restart'],
    detect: detectServiceUnresponsive,
  },
  {
    id: 'service.restart-loop',
    class: 'service-restart-loop',
    description: 'systemd keeps restarting a unit',
    how: 'NRestarts >= restartLoopCount',
    severities: ['warning'],
    repairs: [],
    detect: detectServiceRestartLoop,
  },
  {
    id: 'service.missing',
    class: 'service-missing',
    description: 'An expected service is not installed on the host',
    how: 'expected unit LoadState not-found (init.d script missing), or not reported',
    severities: ['warning'],
    repairs: [],
    detect: detectServiceMissing,
  },
  {
    id: 'fs.space',
    class: 'disk-full',
    description: 'A filesystem is running out of space',
    how: 'df -P -k used / (used + avail) >= diskWarnPct / diskCritPct',
    severities: ['warning', 'critical'],
    repairs: ['disk.cleanup'],
    detect: detectDiskFull,
  },
  {
    id: 'fs.inodes',
    class: 'inodes-full',
    description: 'A filesystem is running out of inodes',
    how: 'df -P -i used / total >= inodeWarnPct / inodeCritPct',
    severities: ['warning', 'critical'],
    repairs: ['disk.cleanup'],
    detect: detectInodesFull,
  },
  {
    id: 'fs.read-only',
    class: 'fs-read-only',
    description: 'A filesystem that should be writable is mounted read-only',
    how: 'mount or its filesystem read-only, not tmpfs/squashfs/iso9660; / is critical',
    severities: ['warning', 'critical'],
    repairs: ['fs.remount-rw'],
    detect: detectFsReadOnly,
  },
  {
    id: 'fs.netmount',
    class: 'netmount-unavailable',
    description: 'A network mount (NFS, CIFS, sshfs) hangs, is stale or is not mounted',
    how: 'detached stat -f per network mount, read by a 2 s deadline; fstab vs mounted',
    severities: ['critical'],
    repairs: ['netmount.remount'],
    detect: detectNetmountUnavailable,
  },
  {
    id: 'mail.queue',
    class: 'mail-queue-backlog',
    description: 'Mail is piling up in the postfix queue',
    how: 'postqueue -p requests >= mailQueueWarn (100) / mailQueueCrit (1000)',
    severities: ['warning', 'critical'],
    repairs: ['mail.flush'],
    detect: detectMailQueueBacklog,
  },
  {
    id: 'logs.forwarding',
    class: 'remote-logging-broken',
    description: "A host's logs do not reach the log host (forwarder or listener down)",
    how: 'TCP forward without ESTAB (ss -tanp); log host: sender silent logSilentAfterSec',
    severities: ['warning', 'critical'],
    repairs: ['service.restart'],
    detect: (ctx) => [...detectRemoteLoggingBroken(ctx), ...detectLogSenderSilent(ctx)],
  },
  {
    id: 'host.load',
    class: 'high-load',
    description: 'The host is overloaded',
    how: 'load5 / cpus >= loadPerCpuWarn / loadPerCpuCrit in the last sustainPolls polls',
    severities: ['warning', 'critical'],
    repairs: [],
    detect: detectHighLoad,
  },
  {
    id: 'host.memory',
    class: 'memory-pressure',
    description: 'The host is short of memory',
    how: 'MemAvailable / MemTotal < memAvailWarnPct / Crit in the last sustainPolls polls',
    severities: ['warning', 'critical'],
    repairs: [],
    detect: detectMemoryPressure,
  },
  {
    id: 'config.drift',
    class: 'config-drift',
    description: 'A declared or package-managed config file changed since the baseline',
    how: 'sha256sum vs baseline.files[path].sha256; dpkg --verify / rpm -Va (heavy checks)',
    severities: ['info', 'warning', 'critical'],
    repairs: ['config.restore'],
    // Declared configs (checksummed, restorable) and package conffiles nobody declared.
    detect: (ctx) => [...detectConfigDrift(ctx), ...detectConffileDrift(ctx)],
  },
  {
    id: 'baseline.not-accepted',
    class: 'not-accepted',
    description: 'Declared checks added after the accept: the baseline has no entry, not watched',
    how: 'a declared file or database has no entry in baseline.files / .databases',
    severities: ['warning'],
    repairs: [ACCEPT_NEW_ACTION],
    detect: detectNotAccepted,
  },
  {
    id: 'config.test',
    class: 'config-test-failed',
    description: "A service's own config test fails (apachectl configtest, sshd -t...)",
    how: 'declared or default test command exits non-zero (timeout 10 s)',
    severities: ['critical'],
    repairs: ['config.restore'],
    detect: detectConfigTestFailed,
  },
  {
    id: 'file.perms',
    class: 'file-perms',
    description: 'A watched log (declared, or open by a service at accept) changed or vanished',
    how: 'stat mode/owner/group differ from the baseline; owner lost write = critical',
    severities: ['warning', 'critical'],
    repairs: ['perms.restore', 'log.reopen'],
    detect: detectFilePerms,
  },
  {
    id: 'file.replaced',
    class: 'file-replaced',
    description: 'A declared file became a symbolic link, a directory or a special file',
    how: 'lstat of the path: a symlink, or a config/data file no longer regular',
    severities: ['critical'],
    repairs: [],
    detect: detectFileReplaced,
  },
  {
    id: 'data.checksum',
    class: 'data-corrupt',
    description: 'A declared data file was overwritten or removed',
    how: 'sha256sum of the file differs from baseline.files[path].sha256',
    severities: ['warning', 'critical'],
    repairs: ['data.restore'],
    detect: detectDataCorrupt,
  },
  {
    id: 'fs.errors',
    class: 'fs-errors',
    description: 'A mounted ext2/3/4 has new errors or a damaged superblock (fsck offline)',
    how: 'errors_count, dumpe2fs -h, kernel log errors of each mounted device, vs accept',
    severities: ['info', 'warning', 'critical'],
    repairs: [],
    detect: detectFsErrors,
  },
  {
    id: 'kernel.module',
    class: 'module-missing',
    description: 'A declared kernel module is not loaded',
    how: 'not in /proc/modules, /sys/module or modules.builtin',
    severities: ['critical'],
    repairs: ['module.load'],
    detect: detectModuleMissing,
  },
  {
    id: 'db.tables',
    class: 'db-tables-missing',
    description: 'Tables of a declared (or found at accept) database dropped, or no query',
    how: 'information_schema.tables lacks tables of the baseline; mysql errors',
    severities: ['critical'],
    repairs: ['db.restore', 'db.rollback'],
    detect: detectDbTablesMissing,
  },
  {
    id: 'host.clock',
    class: 'clock-skew',
    description: "The host's clock is off (fix NTP)",
    how: '|host clock - (poll start + latency / 2)| >= clockSkewWarnMs / clockSkewCritMs',
    severities: ['warning', 'critical'],
    repairs: [],
    detect: detectClockSkew,
  },
  {
    id: 'alertmanager.alert',
    class: 'alert-firing',
    description: 'An Alertmanager alert is firing on the host',
    how: 'active Alertmanager alert (not silenced) naming the host; its severity label',
    severities: ['info', 'warning', 'critical'],
    repairs: ['alertmanager.silence'],
    detect: detectAlertFiring,
  },
  {
    id: 'ec2.status-check',
    class: 'ec2-status-failed',
    description: 'An EC2 system or instance status check fails',
    how: 'DescribeInstanceStatus systemStatus / instanceStatus impaired (running only)',
    severities: ['critical'],
    repairs: ['ec2.reboot'],
    detect: detectEc2StatusFailed,
  },
  {
    id: 'ec2.scheduled-event',
    class: 'ec2-scheduled-event',
    description: 'AWS scheduled a reboot, stop or retirement of an EC2 instance',
    how: 'DescribeInstanceStatus eventsSet not completed or canceled',
    severities: ['warning'],
    repairs: [],
    detect: detectEc2ScheduledEvent,
  },
];

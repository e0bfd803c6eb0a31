import type { HostProbe, PollResult } from '../model/index.js';

/** The slim probe's lists: one frozen empty array, not three new ones a host a poll (nothing reads them). */
const NONE = Object.freeze([]) as unknown as never[];

/**
 * What the poller keeps of an earlier poll: its time and reachability, and the numbers the sustained
 * detectors read (load, CPUs, memory) and the same-scrape check compares (alerts). Not its volumes,
 * services, files, databases or filesystem state: at thousands of hosts the last few full probes of
 * each were tens of MB nobody read.
 */
export function historyEntry(poll: PollResult): PollResult {
  const p = poll.probe;
  if (!p) return poll;
  const slim: HostProbe = {
    hostname: p.hostname,
    remoteTimeMs: p.remoteTimeMs,
    uptimeSec: p.uptimeSec,
    load1: p.load1,
    load5: p.load5,
    load15: p.load15,
    cpus: p.cpus,
    memTotalBytes: p.memTotalBytes,
    memAvailableBytes: p.memAvailableBytes,
    swapTotalBytes: p.swapTotalBytes,
    swapFreeBytes: p.swapFreeBytes,
    kernel: p.kernel,
    init: p.init,
    volumes: NONE,
    services: NONE,
    warnings: NONE,
    ...(p.alerts ? { alerts: p.alerts } : {}),
  };
  return { ...poll, probe: slim };
}

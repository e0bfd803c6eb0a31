import type { HostBaseline, Machine, PollResult } from '../model/index.js';
import type { HostExec } from '../exec/host-exec.js';
import { buildProbeScript } from '../probe/script.js';
import { parseProbeOutput } from '../probe/parse.js';
import { sanitizeLine } from '../util/sanitize.js';

export interface ProbeOptions {
  timeoutMs: number;
  slowThresholdMs: number;
  /** Seconds between two runs of the heavy checks on a host (setting heavyCheckIntervalSec; default 300). */
  heavyIntervalSec?: number;
}

/** Probes one machine with one script run (on its resident shell over SSH) and turns whatever happens into a PollResult. Never throws. */
export async function probeHost(hostExec: HostExec, machine: Machine, opts: ProbeOptions, baseline?: HostBaseline): Promise<PollResult> {
  const at = Date.now();
  const cloud = machine.cloud;
  if (cloud && cloud.state !== 'running') {
    const reason = cloud.stateReason ? ` (${cloud.stateReason})` : '';
    return { machineId: machine.id, at, reach: 'cloud-stopped', error: `EC2 instance is ${cloud.state}${reason}: not probed` };
  }
  if (machine.notProbed) return { machineId: machine.id, at, reach: 'no-ssh', error: `not probed: ${machine.notProbed}` };
  if (!machine.ssh && machine.provider !== 'local') {
    return { machineId: machine.id, at, reach: 'no-ssh', error: 'no address to log in with (see the ssh address setting of its provider)' };
  }
  const r = await hostExec.runProbe(machine, buildProbeScript(machine.services, machine.checks, baseline?.learned, { intervalSec: opts.heavyIntervalSec, acceptedAt: baseline?.acceptedAt }), opts.timeoutMs);
  if (r.failure) {
    const hostKey = r.failure.error?.hostKey;
    return { machineId: machine.id, at, reach: r.failure.reach, latencyMs: r.latencyMs, error: sanitizeLine(r.failure.message), hostKey };
  }
  const parsed = parseProbeOutput(r.stdout);
  if (!parsed.ok) {
    // stderr is the host's own text: one line, inert, before it reaches the store, views or JSON.
    const stderr = r.stderr.trim() ? `; stderr: ${sanitizeLine(r.stderr.trim().replace(/\s*\n\s*/g, ' / ')).slice(0, 300)}` : '';
    return {
      machineId: machine.id,
      at,
      reach: 'unreadable',
      latencyMs: r.latencyMs,
      error: `${parsed.error} (exit ${r.code ?? '-'})${stderr}`,
      raw: parsed.raw.slice(0, 64 * 1024),
    };
  }
  return {
    machineId: machine.id,
    at,
    reach: r.latencyMs > opts.slowThresholdMs ? 'slow' : 'ok',
    latencyMs: r.latencyMs,
    probe: parsed.probe,
  };
}

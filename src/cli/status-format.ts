import type { FleetState } from '../store/index.js';
import type { FleetRow } from '../store/selectors.js';

/** The fleet as JSON for jq: one object per host, with its latest probe and findings. */
export function statusJson(state: FleetState): string {
  const hosts = state.order.map((id) => {
    const h = state.hosts[id]!;
    const p = h.probe;
    return {
      id,
      name: h.machine.name,
      provider: h.machine.provider,
      site: h.machine.site,
      pool: h.machine.pool,
      role: h.machine.role,
      reach: h.last?.reach ?? 'pending',
      error: h.last?.error,
      latencyMs: h.last?.latencyMs,
      probedAt: h.probeAt ? new Date(h.probeAt).toISOString() : undefined,
      severity: h.severity,
      probe: p && {
        hostname: p.hostname,
        uptimeSec: p.uptimeSec,
        load: [p.load1, p.load5, p.load15],
        cpus: p.cpus,
        memUsedPct: p.memTotalBytes ? Math.round((1 - p.memAvailableBytes / p.memTotalBytes) * 1000) / 10 : null,
        volumes: p.volumes,
        services: p.services,
      },
      findings: h.findings.map((f) => ({ class: f.class, severity: f.severity, summary: f.summary, subject: f.subject, evidence: f.evidence })),
    };
  });
  return JSON.stringify({ generatedAt: new Date().toISOString(), hosts }, null, 2) + '\n';
}

const COLUMNS: { header: string; get(r: FleetRow): string; width: number }[] = [];

/** The fleet as a plain text table (no colours, no control sequences). */
export function statusTable(rows: FleetRow[]): string {
  void COLUMNS;
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

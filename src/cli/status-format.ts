import type { FleetState } from '../store/index.js';
import { hostVerdict, type FleetRow, type HostRow } from '../store/selectors.js';
import type { HostKeyInfo } from '../model/index.js';
import { formatLoad } from '../util/format-load.js';
import { sanitizeJson, sanitizeLine } from '../util/sanitize.js';
import { sshFingerprintOfBase64 } from '../util/ssh-fingerprint.js';
import { cellWidth, fit } from '../util/cell-width.js';

/** The fleet as JSON for jq: one object per host, with its latest probe and findings; every string sanitized. */
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
      ...(h.machine.groups ? { groups: h.machine.groups } : {}),
      role: h.machine.role,
      reach: h.last?.reach ?? 'pending',
      error: h.last?.error,
      latencyMs: h.last?.latencyMs,
      probedAt: h.probeAt ? new Date(h.probeAt).toISOString() : undefined,
      severity: h.severity,
      ...(h.last?.reach === 'untrusted' && h.last.hostKey ? { hostKey: hostKeyJson(h.last.hostKey) } : {}),
      ...(h.machine.cloud ? { cloud: h.machine.cloud } : {}),
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
  // Every provider's answer, and the failures apart: a fleet listed only in part says so in the JSON itself.
  const providers = Object.fromEntries(Object.entries(state.providers).map(([name, p]) => [name, { ok: p.ok, machines: p.machines, ...(p.message ? { message: p.message } : {}) }]));
  const failures = Object.entries(state.providers)
    .filter(([, p]) => !p.ok)
    .map(([name, p]) => ({ provider: name, message: p.message ?? 'failed' }));
  return JSON.stringify(sanitizeJson({ generatedAt: new Date().toISOString(), providers, failures, hosts }), null, 2) + '\n';
}

/** An untrusted host's offered key: whether it is unknown, changed or revoked, and what it is (fingerprint computed from the key). */
function hostKeyJson(key: HostKeyInfo): { status: HostKeyInfo['status']; type: string; fingerprint: string; knownHostsName: string } {
  return { status: key.status, type: key.type, fingerprint: sshFingerprintOfBase64(key.base64), knownHostsName: key.knownHostsName };
}

const pct = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)}%`);

const COLUMNS: { header: string; get(r: HostRow): string }[] = [
  { header: 'NAME', get: (r) => r.name },
  { header: 'PROVIDER', get: (r) => r.provider },
  { header: 'SITE', get: (r) => r.site },
  { header: 'POOL', get: (r) => r.pool },
  // The grid's word for the host (hostVerdict): a reachable host with a critical finding reads "critical" here too.
  { header: 'STATE', get: (r) => hostVerdict(r).word },
  { header: 'LOAD', get: (r) => (r.loadValue === undefined ? '-' : formatLoad(r.loadValue)) },
  { header: 'MEM', get: (r) => pct(r.memPct) },
  { header: 'DISK', get: (r) => pct(r.diskPct) },
  { header: 'SVC', get: (r) => `${r.servicesOk}/${r.servicesTotal}` },
  { header: 'FINDINGS', get: (r) => (r.findings ? `${r.findings} ${r.worst}` : '-') },
  { header: 'LATENCY', get: (r) => (r.latencyMs === undefined ? '-' : `${r.latencyMs}ms`) },
];

/** No column of the table grows past this many cells (a 255-character tag is cut with an ellipsis). */
export const STATUS_COLUMN_MAX = 40;

const EC2_COLUMNS: { header: string; get(r: HostRow): string }[] = [
  { header: 'INSTANCE', get: (r) => r.instanceId ?? '-' },
  { header: 'TYPE', get: (r) => r.instanceType ?? '-' },
  { header: 'AZ', get: (r) => r.az ?? '-' },
];

/** The fleet as a plain text table (no colours; every cell is already sanitized text), columns measured in terminal cells and capped. */
export function statusTable(rows: FleetRow[], maxColumn = STATUS_COLUMN_MAX): string {
  const hosts = rows.filter((r): r is HostRow => r.kind === 'host');
  const columns = [...COLUMNS, ...(hosts.some((r) => r.instanceId) ? EC2_COLUMNS : [])];
  const cells = [columns.map((c) => c.header), ...hosts.map((r) => columns.map((c) => sanitizeLine(c.get(r))))];
  const widths = columns.map((_, i) => Math.min(maxColumn, Math.max(...cells.map((row) => cellWidth(row[i]!)))));
  return cells.map((row) => row.map((cell, i) => fit(cell, widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

import type { Machine } from '../model/index.js';

/**
 * The static fleet (inventory, ssh config, Ansible, local) with the metrics provider's hosts: a host
 * in both is ONE row, fed by the metrics provider, reached over SSH (on demand) as the static entry
 * says, with the static entry's pool, site, role, expected services, logs and declared checks. Pure.
 */
export function mergeMetricsFleet(statics: readonly Machine[], metrics: readonly Machine[]): Machine[] {
  if (metrics.length === 0) return [...statics];
  const byName = new Map<string, Machine>();
  for (const m of statics) {
    if (m.provider === 'local') continue;
    if (!byName.has(m.id)) byName.set(m.id, m);
    if (!byName.has(m.name)) byName.set(m.name, m);
  }
  const taken = new Set<Machine>();
  const merged = metrics.map((p) => {
    const s = byName.get(p.id) ?? byName.get(p.name);
    if (!s || taken.has(s)) return p;
    taken.add(s);
    return {
      ...p,
      ...(s.ssh ? { ssh: s.ssh } : {}),
      services: s.services.length ? s.services : p.services,
      logs: s.logs,
      ...(s.checks ? { checks: s.checks } : {}),
      ...(s.groups ? { groups: s.groups } : {}),
      // The operator's own file names the pool, site and role when it does.
      pool: s.pool || p.pool,
      site: s.site || p.site,
      role: s.role || p.role,
      origin: `${p.origin}; ssh as at ${s.origin}`,
    };
  });
  const ids = new Set(merged.map((m) => m.id));
  return [...statics.filter((m) => !taken.has(m) && !ids.has(m.id)), ...merged];
}

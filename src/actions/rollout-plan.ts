/** Splits hosts into the canary (first) and batches of `batchSize` for the rest. Pure. */
export function rolloutWaves(hosts: readonly string[], batchSize: number): string[][] {
  if (hosts.length === 0) return [];
  const size = Math.max(1, Math.floor(batchSize));
  const waves: string[][] = [[hosts[0]!]];
  for (let i = 1; i < hosts.length; i += size) waves.push(hosts.slice(i, i + size));
  return waves;
}

/**
 * The finding whose absence tells a host is healthy after an action applied to hand-picked (marked)
 * hosts: a started or restarted service is no longer down. Other actions have none: the rollout then
 * waits for a probe without critical findings. Pure.
 */
export function healthFindingOf(action: string, params: Readonly<Record<string, string>>): { class: 'service-down'; subject: string } | undefined {
  const service = params['service'];
  if (service && (action === 'service.restart' || action === 'service.start')) return { class: 'service-down', subject: service };
  return undefined;
}

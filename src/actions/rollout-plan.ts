/** Splits hosts into the canary (first) and batches of `batchSize` for the rest. Pure. */
export function rolloutWaves(hosts: readonly string[], batchSize: number): string[][] {
  if (hosts.length === 0) return [];
  const size = Math.max(1, Math.floor(batchSize));
  const waves: string[][] = [[hosts[0]!]];
  for (let i = 1; i < hosts.length; i += size) waves.push(hosts.slice(i, i + size));
  return waves;
}

import type { BaselineStore } from '../persist/baselines.js';
import { sha256Of } from '../persist/baselines.js';

/** Largest dump remlite keeps: a bigger one is refused rather than stored cut. */
export const MAX_DUMP_BYTES = 256 * 1024 * 1024;

export interface StoredDump {
  name: string;
  bytes: number;
  sha256: string;
  at: string;
}

/** Stores a dump and names it in the host's baseline (when there is one) as the newest good dump. */
export async function storeDump(baselines: BaselineStore, machineId: string, database: string, content: Buffer): Promise<StoredDump> {
  const at = new Date();
  const name = await baselines.putDump(machineId, database, content, at);
  const dump = { name, bytes: content.length, sha256: sha256Of(content), at: at.toISOString() };
  const { baseline } = baselines.load(machineId);
  if (baseline) {
    const db = baseline.databases[database] ?? { tables: [] };
    baseline.databases[database] = { ...db, dump: name, dumpedAt: dump.at, dumpSha256: dump.sha256 };
    await baselines.save(baseline);
  }
  return dump;
}

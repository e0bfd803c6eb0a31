import type { BaselineStore } from './store.js';
import { sha256Of } from './store.js';
import { shCommand } from '../util/shell-quote.js';

/** The dump command: run by "accept current as good" for each declared database, and by the db.dump repair. */
export function dumpCommand(database: string): string {
  return shCommand('mysqldump', '--single-transaction', database);
}

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

import { readFile } from 'node:fs/promises';
import type { Machine } from '../src/model/index.js';
import { InventoryError } from './inventory-error.js';
import { parseInventory } from './inventory-parse.js';
import { systemEnv, type ProviderEnv } from './ssh-defaults.js';

export { InventoryError, type InventoryIssue } from './inventory-error.js';
export { parseInventory } from './inventory-parse.js';

/** Reads and validates a YAML inventory file (docs/inventory.md). Throws InventoryError. */
export async function loadInventory(file: string, env: ProviderEnv = systemEnv()): Promise<Machine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'inventory file not found' : code === 'EACCES' ? 'inventory file is not readable (permission denied)' : `cannot read the inventory file (${code ?? String(err)})`;
    const hint = code === 'ENOENT' ? 'create it (see docs/inventory.md) or point --inventory / the inventoryPath setting at the right file' : 'check the path and its permissions';
    throw new InventoryError([{ file, line: 0, column: 0, reason, hint }]);
  }
  return parseInventory(text, file, env);
}

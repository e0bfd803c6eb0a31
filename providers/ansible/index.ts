import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Machine } from '../../src/model/index.js';
import type { ProviderEnv } from '../ssh-defaults.js';
import { parseInventoryList } from './list-json.js';
import { loadStaticInventory, inventoryFiles } from './load-static.js';
import { mapAnsibleHosts } from './map.js';
import { hasAnsibleInventory, runInventoryList } from './run-list.js';
import { loadVarsFiles } from './vars-files.js';

export { choosePool, mapAnsibleHosts } from './map.js';
export { parseIniInventory } from './ini-parse.js';
export { parseYamlInventory } from './yaml-parse.js';
export { parseInventoryList } from './list-json.js';
export { loadStaticInventory } from './load-static.js';
export { hasAnsibleInventory, runInventoryList } from './run-list.js';

export interface AnsibleLoadOptions {
  env: ProviderEnv;
  poolGroups?: string[];
  /** 'auto' (default): ansible-inventory --list when installed, else the built-in static reader. */
  reader?: 'auto' | 'ansible' | 'static';
}

export interface AnsibleLoadResult {
  machines: Machine[];
  warnings: string[];
  /** How the inventories were read ("ansible-inventory" or "built-in reader"). */
  via: string;
  /** Every file the fleet came from, to watch for edits. */
  files: string[];
}

let ansibleAvailable: boolean | undefined;

/** Lists the hosts of Ansible inventories (files or directories); a later inventory's host of the same name is dropped with a warning. */
export async function loadAnsibleInventories(sources: string[], opts: AnsibleLoadOptions): Promise<AnsibleLoadResult> {
  const reader = opts.reader ?? 'auto';
  const useAnsible = reader === 'ansible' || (reader === 'auto' && (ansibleAvailable ??= hasAnsibleInventory()));
  const machines: Machine[] = [];
  const warnings: string[] = [];
  const files: string[] = [];
  const seen = new Map<string, Machine>();
  for (const source of sources) {
    const abs = path.resolve(source);
    const hosts = useAnsible ? parseInventoryList(await runInventoryList(abs), abs) : loadStaticInventory(abs, files);
    if (useAnsible) files.push(...watchList(abs));
    files.push(...inventoryDirs(abs));
    let baseDir = abs;
    try {
      if (!lstatSync(abs).isDirectory()) baseDir = path.dirname(abs);
    } catch {
      baseDir = path.dirname(abs);
    }
    const mapped = mapAnsibleHosts(hosts, { env: opts.env, baseDir, ...(opts.poolGroups ? { poolGroups: opts.poolGroups } : {}) });
    warnings.push(...mapped.warnings);
    for (const m of mapped.machines) {
      const first = seen.get(m.id);
      if (first) {
        warnings.push(`${m.origin}: Ansible host "${m.id}" is also in ${first.origin}; using that one`);
        continue;
      }
      seen.set(m.id, m);
      machines.push(m);
    }
  }
  return { machines, warnings, via: useAnsible ? 'ansible-inventory' : 'built-in reader', files: [...new Set(files)] };
}

/**
 * The directories whose entries make up an inventory: an inventory directory with its subdirectories
 * (group_vars/ and host_vars/ among them), or, for an inventory file, the group_vars/ and host_vars/
 * beside it. Watched beside the files, so a file added to
 * or removed from one of them reloads the fleet too (a directory's mtime changes with its entries).
 */
export function inventoryDirs(source: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 4 || out.length >= 256) return;
    try {
      if (!lstatSync(dir).isDirectory()) return;
      out.push(dir);
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name), depth + 1);
    } catch {
      // absent or unreadable: nothing to watch there
    }
  };
  let top = source;
  try {
    if (!lstatSync(source).isDirectory()) top = path.dirname(source);
  } catch {
    return out;
  }
  if (top === source) walk(top, 0);
  else {
    // A file's own directory may be a busy one (a home directory): only its vars directories.
    walk(path.join(top, 'group_vars'), 1);
    walk(path.join(top, 'host_vars'), 1);
  }
  return out;
}

function watchList(source: string): string[] {
  const out: string[] = [];
  try {
    out.push(...inventoryFiles(source));
    const dir = lstatSync(source).isDirectory() ? source : path.dirname(source);
    loadVarsFiles(dir, (f) => out.push(f));
  } catch {
    // the run itself reports what is wrong with the path
  }
  return out;
}

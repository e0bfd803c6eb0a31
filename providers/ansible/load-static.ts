import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InventoryError } from '../inventory-error.js';
import { parseIniInventory } from './ini-parse.js';
import { emptyInventory, type AnsibleInventory, type ResolvedHost } from './model.js';
import { resolveInventory, type VarsFiles } from './resolve.js';
import { loadVarsFiles } from './vars-files.js';
import { parseYamlInventory } from './yaml-parse.js';

/** File names Ansible skips in an inventory directory (INVENTORY_IGNORE_EXTS and friends). */
const IGNORED = /(~|\.orig|\.ini|\.cfg|\.retry|\.pyc|\.pyo|\.bak|\.swp)$/;
const SKIP_DIRS = ['group_vars', 'host_vars'];

function isYamlName(file: string): boolean {
  return /\.(ya?ml|json)$/.test(file);
}

/** Every inventory file of a path: the file itself, or a directory's files (sorted, recursively) as Ansible reads them. */
export function inventoryFiles(source: string): string[] {
  const st = lstatSync(source);
  if (!st.isDirectory()) return [source];
  const out: string[] = [];
  for (const entry of readdirSync(source).sort()) {
    if (entry.startsWith('.') || IGNORED.test(entry) || SKIP_DIRS.includes(entry)) continue;
    const full = path.join(source, entry);
    const s = lstatSync(full);
    if (s.isDirectory()) out.push(...inventoryFiles(full));
    else if (s.isFile()) out.push(full);
  }
  return out;
}

function merge(into: AnsibleInventory, from: AnsibleInventory): void {
  for (const [name, h] of from.hosts) {
    const have = into.hosts.get(name);
    if (have) Object.assign(have.vars, h.vars);
    else into.hosts.set(name, { vars: { ...h.vars }, origin: h.origin });
  }
  for (const [name, g] of from.groups) {
    const have = into.groups.get(name);
    if (!have) into.groups.set(name, { ...g, hosts: [...g.hosts], children: [...g.children], vars: { ...g.vars } });
    else {
      for (const h of g.hosts) if (!have.hosts.includes(h)) have.hosts.push(h);
      for (const c of g.children) if (!have.children.includes(c)) have.children.push(c);
      Object.assign(have.vars, g.vars);
    }
  }
}

/**
 * Reads a static INI/YAML inventory file or directory without Ansible, with group_vars/ and
 * host_vars/ next to it. Executable files (inventory scripts) need Ansible and are refused here.
 * `watch` collects every file read so an edit can reload the fleet.
 */
export function loadStaticInventory(source: string, watch: string[] = []): ResolvedHost[] {
  const inv = emptyInventory();
  let st;
  try {
    st = lstatSync(source);
  } catch {
    throw new InventoryError([{ file: source, line: 0, column: 0, reason: 'Ansible inventory not found', hint: 'check the --ansible-inventory path' }]);
  }
  for (const file of inventoryFiles(source)) {
    if ((lstatSync(file).mode & 0o111) !== 0) {
      throw new InventoryError([{ file, line: 0, column: 0, reason: 'an executable inventory (dynamic script) needs Ansible', hint: 'install ansible-core so remlite can run ansible-inventory --list' }]);
    }
    watch.push(file);
    const text = readFileSync(file, 'utf8');
    merge(inv, isYamlName(file) ? parseYamlInventory(text, file) : parseIniInventory(text, file));
  }
  const dir = st.isDirectory() ? source : path.dirname(source);
  const files: VarsFiles = loadVarsFiles(dir, (f) => watch.push(f));
  return resolveInventory(inv, files);
}

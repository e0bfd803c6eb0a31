import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InventoryError } from '../inventory-error.js';
import type { AnsibleVars } from './model.js';
import type { VarsFiles } from './resolve.js';
import { ANSIBLE_YAML_OPTIONS, toVars } from './yaml-values.js';

const VARS_EXTS = ['', '.yml', '.yaml', '.json'];

/** Reads one YAML/JSON vars file (a mapping); vaulted values stay markers. A whole-file vault is refused. */
function readVarsFile(file: string): AnsibleVars {
  const text = readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('$ANSIBLE_VAULT;')) {
    throw new InventoryError([{ file, line: 0, column: 0, reason: 'the whole file is vaulted', hint: 'remlite never decrypts vault; vault single values (!vault) instead, or use ansible-inventory with your vault setup' }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter: lines });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lines.linePos(err.pos[0]);
    throw new InventoryError([{ file, line, column: col, reason: `YAML syntax error: ${err.message.split('\n')[0]}`, hint: 'fix the YAML syntax' }]);
  }
  const vars = toVars(doc, doc.contents as never);
  if (!vars) throw new InventoryError([{ file, line: 1, column: 1, reason: 'a vars file must be a mapping', hint: 'write one "name: value" per line' }]);
  return vars;
}

/** The vars of one group_vars/<name> or host_vars/<name> entry: a file (with or without extension) or a directory of files. */
function readNamed(dir: string, entries: string[], visible: (f: string) => void): Map<string, AnsibleVars> {
  const out = new Map<string, AnsibleVars>();
  for (const entry of entries.sort()) {
    const full = path.join(dir, entry);
    const st = lstatSync(full);
    const ext = VARS_EXTS.find((e) => e && entry.endsWith(e)) ?? '';
    const name = st.isDirectory() ? entry : entry.slice(0, entry.length - ext.length);
    if (entry.startsWith('.') || st.isSymbolicLink()) continue;
    const vars = out.get(name) ?? {};
    if (st.isDirectory()) {
      for (const f of readdirSync(full).sort()) {
        const p = path.join(full, f);
        if (f.startsWith('.') || !lstatSync(p).isFile() || !VARS_EXTS.some((e) => e && f.endsWith(e))) continue;
        visible(p);
        Object.assign(vars, readVarsFile(p));
      }
    } else if (st.isFile()) {
      visible(full);
      Object.assign(vars, readVarsFile(full));
    }
    out.set(name, vars);
  }
  return out;
}

/** group_vars/ and host_vars/ in a directory (the inventory's directory); `visible` learns each file read (to watch it). */
export function loadVarsFiles(dir: string, visible: (file: string) => void = () => {}): VarsFiles {
  const read = (sub: string): Map<string, AnsibleVars> => {
    const full = path.join(dir, sub);
    let entries: string[];
    try {
      if (!lstatSync(full).isDirectory()) return new Map();
      entries = readdirSync(full);
    } catch {
      return new Map();
    }
    return readNamed(full, entries, visible);
  };
  return { groups: read('group_vars'), hosts: read('host_vars') };
}

import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InventoryError, type InventoryIssue } from '../inventory-error.js';
import { expandHostPattern } from './host-pattern.js';
import { addHost, emptyInventory, groupOf, type AnsibleInventory } from './model.js';
import { ANSIBLE_YAML_OPTIONS, toVars } from './yaml-values.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

/**
 * Parses a static YAML inventory: top-level groups (usually "all"), each with hosts:, vars: and
 * children:. Vaulted values are kept only as a marker. Throws InventoryError with file:line.
 */
export function parseYamlInventory(text: string, file: string): AnsibleInventory {
  const lines = new LineCounter();
  const issues: InventoryIssue[] = [];
  const report = (node: Node | null | undefined, reason: string, hint: string) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    issues.push({ file, line, column: col, reason, hint });
  };
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter: lines });
  for (const err of doc.errors) {
    const { line, col } = lines.linePos(err.pos[0]);
    issues.push({ file, line, column: col, reason: `YAML syntax error: ${err.message.split('\n')[0]}`, hint: 'fix the YAML syntax' });
  }
  if (issues.length) throw new InventoryError(issues);
  const inv = emptyInventory();
  const root = doc.contents as Node | null;
  if (!isMap(root)) {
    if (!(isScalar(root) && root.value === null) && root !== null) report(root, 'a YAML inventory must be a mapping of groups', 'start with "all:" and put hosts:, vars: and children: under it');
  } else {
    const ctx: Ctx = { doc, inv, report, where: (node) => `${file}:${lines.linePos(node.range?.[0] ?? 0).line}` };
    for (const pair of root.items) readGroup(ctx, pair.key as Node, pair.value as Node | null, 0);
  }
  if (issues.length) throw new InventoryError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  return inv;
}

interface Ctx {
  doc: Document;
  inv: AnsibleInventory;
  report(node: Node | null | undefined, reason: string, hint: string): void;
  where(node: Node): string;
}

function readGroup(ctx: Ctx, keyNode: Node, body: Node | null, depth: number): void {
  const { doc, inv, report } = ctx;
  const name = isScalar(keyNode) ? String(keyNode.value) : undefined;
  if (!name || !/^[A-Za-z0-9_.-]+$/.test(name)) return report(keyNode, `bad group name ${JSON.stringify(name ?? '?')}`, 'use letters, digits, "_", "." and "-"');
  if (depth > 32) return report(keyNode, 'groups nested more than 32 deep', 'flatten the children');
  const group = groupOf(inv, name);
  if (body === null || (isScalar(body) && body.value === null)) return;
  if (!isMap(body)) return report(body, `group "${name}" must be a mapping`, 'put hosts:, vars: and children: under the group');
  for (const pair of body.items) {
    const k = pair.key as Node;
    const key = isScalar(k) ? String(k.value) : '';
    const value = pair.value as Node | null;
    if (!GROUP_KEYS.includes(key)) {
      report(k, `unknown key "${key}" in group "${name}"`, 'a group has only hosts:, vars: and children:');
      continue;
    }
    if (value === null || (isScalar(value) && value.value === null)) continue;
    if (key === 'vars') {
      const vars = toVars(doc, value);
      if (!vars) report(value, `"vars" of group "${name}" must be a mapping`, 'write key: value pairs under vars:');
      else Object.assign(group.vars, vars);
    } else if (!isMap(value)) {
      report(value, `"${key}" of group "${name}" must be a mapping`, `write one "name:" per line under ${key}:`);
    } else if (key === 'children') {
      for (const child of value.items) {
        readGroup(ctx, child.key as Node, child.value as Node | null, depth + 1);
        const childName = isScalar(child.key) ? String(child.key.value) : undefined;
        if (childName && !group.children.includes(childName)) group.children.push(childName);
      }
    } else {
      for (const host of value.items) {
        const hk = host.key as Node;
        const pattern = isScalar(hk) ? String(hk.value) : '';
        const names = expandHostPattern(pattern);
        if (!Array.isArray(names)) {
          report(hk, names.error, 'fix the host range');
          continue;
        }
        const vars = toVars(doc, host.value as Node | null);
        if (!vars) {
          report(host.value as Node, `vars of host "${pattern}" must be a mapping`, 'write key: value pairs under the host');
          continue;
        }
        for (const n of names) {
          addHost(inv, n, vars, ctx.where(hk));
          if (!group.hosts.includes(n)) group.hosts.push(n);
        }
      }
    }
  }
}

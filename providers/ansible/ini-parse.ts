import { InventoryError, type InventoryIssue } from '../inventory-error.js';
import { expandHostPattern } from './host-pattern.js';
import { addHost, emptyInventory, groupOf, isVaultText, VAULTED, type AnsibleInventory, type AnsibleValue, type AnsibleVars } from './model.js';

const GROUP_RE = /^[A-Za-z0-9_.-]+$/;

/** Splits a host or vars line like Ansible's shlex: whitespace-separated, quotes kept together, "#" starts a comment. */
function tokenize(line: string): string[] | undefined {
  const tokens: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(cur);
      cur = '';
      inToken = false;
    } else if (ch === '#' && !inToken) {
      break;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (quote) return undefined;
  if (inToken) tokens.push(cur);
  return tokens;
}

/** A value as Ansible's INI reader takes it: numbers become numbers, quotes are removed, the rest stays text. */
function iniValue(raw: string): AnsibleValue {
  const text = raw.trim();
  if (isVaultText(text)) return VAULTED;
  if (/^-?[0-9]+$/.test(text)) return Number(text);
  if (/^-?[0-9]*\.[0-9]+$/.test(text)) return Number(text);
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text) as AnsibleValue;
    } catch {
      // Python literal that is not JSON: Ansible would still take it; we keep the text
    }
  }
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0]!)) return text.slice(1, -1);
  return text;
}

/**
 * Parses a static INI inventory (https://docs.ansible.com/ansible/latest/inventory_guide/intro_inventory.html):
 * [group] host lines with inline vars and ranges, [group:vars], [group:children]. Hosts before the
 * first section are ungrouped. Throws InventoryError listing every problem with file:line.
 */
export function parseIniInventory(text: string, file: string): AnsibleInventory {
  const inv = emptyInventory();
  const issues: InventoryIssue[] = [];
  const report = (line: number, reason: string, hint: string) => issues.push({ file, line, column: 1, reason, hint });
  let section: { group: string; kind: 'hosts' | 'vars' | 'children' } = { group: 'ungrouped', kind: 'hosts' };
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      const [name = '', kindText] = header[1]!.split(':', 2) as [string, string | undefined];
      const kind = kindText === undefined ? 'hosts' : kindText === 'vars' ? 'vars' : kindText === 'children' ? 'children' : undefined;
      if (!kind) return report(lineNo, `unknown section kind ":${kindText}" in [${header[1]}]`, 'use [group], [group:vars] or [group:children]');
      if (!GROUP_RE.test(name)) return report(lineNo, `bad group name "${name}"`, 'use letters, digits, "_", "." and "-"');
      section = { group: name, kind };
      groupOf(inv, name);
      return;
    }
    if (line.startsWith('[')) return report(lineNo, 'section header without a closing "]"', 'write [group], [group:vars] or [group:children]');
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) return report(lineNo, `expected key=value in [${section.group}:vars]`, 'write one variable per line, e.g. ansible_user=deploy');
      groupOf(inv, section.group).vars[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1));
      return;
    }
    const tokens = tokenize(line);
    if (!tokens) return report(lineNo, 'unclosed quote', 'close the quote or remove it');
    if (tokens.length === 0) return;
    if (section.kind === 'children') {
      const child = tokens[0]!;
      if (tokens.length > 1 || !GROUP_RE.test(child)) return report(lineNo, `bad child group "${line}"`, `list one group name per line under [${section.group}:children]`);
      const g = groupOf(inv, section.group);
      if (!g.children.includes(child)) g.children.push(child);
      groupOf(inv, child);
      return;
    }
    const [pattern = '', ...assignments] = tokens;
    const vars: AnsibleVars = {};
    for (const a of assignments) {
      const eq = a.indexOf('=');
      if (eq <= 0) return report(lineNo, `expected key=value after the host name, got "${a}"`, 'write host vars as key=value, e.g. web1 ansible_host=10.0.0.5');
      vars[a.slice(0, eq)] = iniValue(a.slice(eq + 1));
    }
    // "host:2222" sets the port (not for IPv6 literals, which have more than one colon).
    let hostPattern = pattern;
    const portMatch = /^((?:[^:[]|\[[^\]]*\])+):([0-9]+)$/.exec(pattern);
    if (portMatch) {
      hostPattern = portMatch[1]!;
      vars['ansible_port'] ??= Number(portMatch[2]);
    }
    const names = expandHostPattern(hostPattern);
    if (!Array.isArray(names)) return report(lineNo, names.error, 'fix the host range');
    const g = groupOf(inv, section.group);
    for (const name of names) {
      addHost(inv, name, vars, `${file}:${lineNo}`);
      if (!g.hosts.includes(name)) g.hosts.push(name);
    }
  });
  for (const g of inv.groups.values()) {
    if (g.children.includes(g.name)) report(0, `group "${g.name}" is its own child`, 'remove it from its :children section');
  }
  if (issues.length) throw new InventoryError(issues.sort((a, b) => a.line - b.line));
  return inv;
}

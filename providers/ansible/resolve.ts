import { byGroupOrder, groupOrder } from './group-order.js';
import type { AnsibleInventory, AnsibleVars, ResolvedHost } from './model.js';

/** Vars from group_vars/ and host_vars/ next to an inventory, by group or host name. */
export interface VarsFiles {
  groups: Map<string, AnsibleVars>;
  hosts: Map<string, AnsibleVars>;
}

/**
 * Resolves every host's groups and vars as Ansible does. Precedence, lowest first: inventory group
 * vars ("all", then groups from the least to the most nested, same depth by name), group_vars/all,
 * group_vars/<group> in the same order, vars on the host line, host_vars/<host>.
 */
export function resolveInventory(inv: AnsibleInventory, files: VarsFiles = { groups: new Map(), hosts: new Map() }): ResolvedHost[] {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  const depthMemo = new Map<string, number>();
  const depth = (name: string, seen: string[] = []): number => {
    const known = depthMemo.get(name);
    if (known !== undefined) return known;
    if (seen.includes(name)) return 0;
    const ps = (parents.get(name) ?? []).filter((p) => p !== 'all');
    const d = ps.length ? 1 + Math.max(...ps.map((p) => depth(p, [...seen, name]))) : 1;
    depthMemo.set(name, d);
    return d;
  };
  const topLevel = [...inv.groups.keys()].filter((g) => g !== 'all' && (parents.get(g) ?? []).every((p) => p === 'all'));
  const rank = groupOrder(topLevel, (g) => inv.groups.get(g)?.children ?? []);
  const ancestors = (name: string, out: Set<string>): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const p of parents.get(name) ?? []) ancestors(p, out);
  };
  return [...inv.hosts].map(([name, host]) => {
    const direct = [...inv.groups.values()].filter((g) => g.hosts.includes(name)).map((g) => g.name);
    const all = new Set<string>();
    for (const g of direct.length ? direct : ['ungrouped']) ancestors(g, all);
    all.delete('all');
    if (all.size > 1) all.delete('ungrouped');
    const ordered = [...all].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
    const vars: AnsibleVars = { ...inv.groups.get('all')?.vars };
    for (const g of ordered) Object.assign(vars, inv.groups.get(g)?.vars);
    Object.assign(vars, files.groups.get('all'));
    for (const g of ordered) Object.assign(vars, files.groups.get(g));
    Object.assign(vars, host.vars, files.hosts.get(name));
    return { name, groups: [...all].sort(), directGroups: byGroupOrder(direct.filter((g) => g !== 'all'), rank), vars, origin: host.origin };
  });
}

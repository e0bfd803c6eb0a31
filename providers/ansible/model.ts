/**
 * What every Ansible inventory source (INI, YAML, `ansible-inventory --list`) is read into before
 * it is mapped to machines. Vaulted values are replaced by VAULTED while parsing: the encrypted
 * text never leaves the parser, so it can not be printed, cached or put in a Machine.
 */
export const VAULTED: unique symbol = Symbol('vaulted');
export type AnsibleValue = string | number | boolean | null | typeof VAULTED | AnsibleValue[] | { [key: string]: AnsibleValue };
export type AnsibleVars = Record<string, AnsibleValue>;

export interface AnsibleGroup {
  name: string;
  /** Hosts listed directly in the group, in file order. */
  hosts: string[];
  children: string[];
  vars: AnsibleVars;
}

export interface AnsibleInventory {
  /** Hosts in first-seen order, with the vars set on them in the inventory itself; origin is "file:line". */
  hosts: Map<string, { vars: AnsibleVars; origin: string }>;
  groups: Map<string, AnsibleGroup>;
}

/** One host as Ansible resolves it: its groups and its merged vars. */
export interface ResolvedHost {
  name: string;
  /** Every group the host is in, directly or through children, by name; "all" left out. */
  groups: string[];
  /** The groups that list the host itself, in the order the inventory defines them (group-order.ts). */
  directGroups: string[];
  vars: AnsibleVars;
  origin: string;
}

export function emptyInventory(): AnsibleInventory {
  return { hosts: new Map(), groups: new Map() };
}

export function groupOf(inv: AnsibleInventory, name: string): AnsibleGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, hosts: [], children: [], vars: {} };
    inv.groups.set(name, g);
  }
  return g;
}

export function addHost(inv: AnsibleInventory, name: string, vars: AnsibleVars, origin: string): void {
  const h = inv.hosts.get(name);
  if (h) Object.assign(h.vars, vars);
  else inv.hosts.set(name, { vars: { ...vars }, origin });
}

export function isVaultText(value: unknown): boolean {
  return typeof value === 'string' && value.trimStart().startsWith('$ANSIBLE_VAULT;');
}

import { InventoryError } from '../inventory-error.js';
import { byGroupOrder, groupOrder } from './group-order.js';
import { isVaultText, VAULTED, type AnsibleValue, type AnsibleVars, type ResolvedHost } from './model.js';

function clean(value: unknown, depth = 0): AnsibleValue {
  if (depth > 64) return null;
  if (isVaultText(value)) return VAULTED;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (typeof value === 'object') {
    if ('__ansible_vault' in value) return VAULTED;
    const out: Record<string, AnsibleValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clean(v, depth + 1);
    return out;
  }
  return null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Reads the JSON of `ansible-inventory --list`: groups with hosts and children, and each host's
 * resolved vars under _meta.hostvars. Vaulted values ({"__ansible_vault": ...}) become VAULTED.
 * The raw text is never quoted in errors (it may hold secrets).
 */
export function parseInventoryList(json: string, source: string): ResolvedHost[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new InventoryError([{ file: source, line: 0, column: 0, reason: 'ansible-inventory --list did not print JSON', hint: 'run ansible-inventory -i <path> --list yourself to see why' }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InventoryError([{ file: source, line: 0, column: 0, reason: 'ansible-inventory --list printed no inventory object', hint: 'run ansible-inventory -i <path> --list yourself to see why' }]);
  }
  const root = data as Record<string, unknown>;
  const meta = root['_meta'] as { hostvars?: Record<string, unknown> } | undefined;
  const hostvars = meta?.hostvars ?? {};
  const parents = new Map<string, string[]>();
  const direct = new Map<string, string[]>();
  const order: string[] = [];
  for (const [group, body] of Object.entries(root)) {
    if (group === '_meta' || body === null || typeof body !== 'object') continue;
    const b = body as Record<string, unknown>;
    for (const c of strings(b['children'])) parents.set(c, [...(parents.get(c) ?? []), group]);
    for (const h of strings(b['hosts'])) {
      if (!direct.has(h)) order.push(h);
      direct.set(h, [...(direct.get(h) ?? []), group]);
    }
  }
  const ancestors = (name: string, out: Set<string>): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const p of parents.get(name) ?? []) ancestors(p, out);
  };
  for (const h of Object.keys(hostvars)) if (!direct.has(h)) (order.push(h), direct.set(h, []));
  const childrenOf = (g: string) => {
    const body = root[g];
    return body !== null && typeof body === 'object' ? strings((body as Record<string, unknown>)['children']) : [];
  };
  const rank = groupOrder(childrenOf('all'), childrenOf);
  return order.map((name) => {
    const all = new Set<string>();
    const own = direct.get(name) ?? [];
    for (const g of own.length ? own : ['ungrouped']) ancestors(g, all);
    all.delete('all');
    if (all.size > 1) all.delete('ungrouped');
    const vars = clean(hostvars[name] ?? {});
    return {
      name,
      groups: [...all].sort(),
      directGroups: byGroupOrder(own.filter((g) => g !== 'all'), rank),
      vars: vars && typeof vars === 'object' && !Array.isArray(vars) ? (vars as AnsibleVars) : {},
      origin: `${source} (ansible-inventory)`,
    };
  });
}

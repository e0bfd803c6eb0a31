/**
 * The order in which an inventory defines its groups, as `ansible-inventory --list` shows it: the
 * top-level groups (children of `all` only) in the order they were created, each followed by its
 * children, depth first. Both readers rank a host's own groups by it, so "the first group" is the
 * same group whether Ansible or the built-in reader read the file.
 */
export function groupOrder(topLevel: readonly string[], childrenOf: (group: string) => readonly string[]): Map<string, number> {
  const rank = new Map<string, number>();
  const visit = (group: string): void => {
    if (rank.has(group)) return;
    rank.set(group, rank.size);
    for (const c of childrenOf(group)) visit(c);
  };
  for (const g of topLevel) visit(g);
  return rank;
}

/** `groups` sorted by their rank; groups without one keep their relative order at the end. */
export function byGroupOrder(groups: readonly string[], rank: ReadonlyMap<string, number>): string[] {
  const at = (g: string) => rank.get(g) ?? Number.MAX_SAFE_INTEGER;
  return [...groups].sort((a, b) => at(a) - at(b));
}

/** One key for (a, b) that no other pair has: a's length first. */
const mapKey = (a: string, b: string) => `${a.length}:${a}${b}`;

/** A host with more items than this finds them through a Map; fewer, by comparing each in turn. */
const LIST_MAX = 8;

/**
 * The items (filesystems, units) of each host, found by a key of one or two strings. A fleet's hosts
 * have a few each, so a host's items are compared in turn, which needs no key string made for each
 * series (at 10,000 hosts a refresh reads 150,000 such series); a host with many gets a Map.
 */
export class HostItems {
  private readonly lists: (number[] | undefined)[] = [];
  private readonly maps: (Map<string, number> | undefined)[] = [];
  private readonly keyA: string[] = [];
  private readonly keyB: string[] = [];
  /** The host of each item; items are numbered 0 .. hosts.length - 1 in the order they were added. */
  readonly hosts: number[] = [];

  /** An item's key, as added. */
  key(item: number): [a: string, b: string] {
    return [this.keyA[item]!, this.keyB[item]!];
  }

  /** The item of host `h` with key (a, b), or -1. */
  find(h: number, a: string, b = ''): number {
    const map = this.maps[h];
    if (map) return map.get(mapKey(a, b)) ?? -1;
    const list = this.lists[h];
    if (!list) return -1;
    for (const item of list) if (this.keyA[item] === a && this.keyB[item] === b) return item;
    return -1;
  }

  /** Adds an item for host `h` with key (a, b), which find() did not find; returns its number. */
  add(h: number, a: string, b = ''): number {
    const item = this.hosts.length;
    this.hosts.push(h);
    this.keyA.push(a);
    this.keyB.push(b);
    const map = this.maps[h];
    if (map) {
      map.set(mapKey(a, b), item);
      return item;
    }
    const list = (this.lists[h] ??= []);
    list.push(item);
    if (list.length > LIST_MAX) {
      this.maps[h] = new Map(list.map((i) => [mapKey(this.keyA[i]!, this.keyB[i]!), i]));
      this.lists[h] = undefined;
    }
    return item;
  }
}

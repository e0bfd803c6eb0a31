// AWS region names and their short codes (us-east-1 → use1), for a SITE column that must tell
// us-east-1 from us-east-2 in six cells at 80 columns.

const DIRECTIONS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** An AWS region name as EC2 spells them: geography, optional partition part, direction, number ("us-gov-west-1"). */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+){1,2}-\d{1,2}$/;

export function isRegionName(name: string): boolean {
  if (!REGION_NAME.test(name)) return false;
  const parts = name.split('-');
  return DIRECTIONS[parts[parts.length - 2]!] !== undefined;
}

/** The short code of a region ("us-east-1" → "use1", "ap-southeast-2" → "apse2", "us-gov-west-1" → "usgw1"); undefined when `name` is not a region name. */
export function regionCode(name: string): string | undefined {
  if (!isRegionName(name)) return undefined;
  const parts = name.split('-');
  const geo = parts[0]!;
  const num = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1);
  const direction = DIRECTIONS[middle[middle.length - 1]!]!;
  const partition = middle.length === 2 ? middle[0]!.slice(0, 1) : '';
  return `${geo}${partition}${direction}${num}`;
}

/** A site as it fits in `width` cells: the name when it fits, a region's short code when it does not. */
export function siteLabel(site: string, width: number): string {
  if (site.length <= width) return site;
  return regionCode(site) ?? site;
}

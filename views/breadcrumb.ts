/** Where the operator is, e.g. ['fleet', 'pool:web', 'web2', 'Logs', 'unit:nginx']. */
export interface Location {
  filter: string;
  host?: string;
  tab?: string;
  logSource?: string;
  overlay?: string;
  /** A screen of its own beside the grid and the host view (events). */
  screen?: string;
}

export function breadcrumbParts(loc: Location): string[] {
  return ['fleet', loc.screen ? '' : loc.filter.trim(), loc.screen ?? '', loc.host ?? '', loc.host ? (loc.tab ?? '') : '', loc.host && loc.tab === 'Logs' ? (loc.logSource ?? '') : '', loc.overlay ?? ''].filter(
    (p) => p !== '',
  );
}

/** The trail joined with ' › ', cut from the left (the innermost place matters most) to `width` columns. */
export function breadcrumbText(parts: readonly string[], width: number): string {
  const full = parts.join(' › ');
  const chars = Array.from(full);
  if (chars.length <= width) return full;
  if (width <= 0) return '';
  return '…' + chars.slice(chars.length - (width - 1)).join('');
}

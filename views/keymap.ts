import { buildRegistry, registers, type KeyHint } from '../src/registry/index.js';

export type { KeyHint };
export { READ_ONLY_REFUSAL } from '../src/registry/index.js';

/** The grid's built-in keys, every one (the first paint filters them for its mode with footerText). */
export const GRID_KEYS = buildRegistry({ readOnly: false }).hints('grid', 'builtin');

/** The hints this mode registers (the registry's one read-only rule). */
function visibleKeys(list: readonly KeyHint[], readOnly: boolean): KeyHint[] {
  return list.filter((k) => registers({ dangerous: k.dangerous === true }, readOnly));
}

export function footerText(list: readonly KeyHint[], readOnly = false): string {
  return visibleKeys(list, readOnly)
    .filter((k) => k.footer)
    .map((k) => `${k.keys.split(' ')[0]} ${k.short ?? k.label}`)
    .join('  ');
}

import { buildRegistry, registers, type KeyHint, type KeySection } from '../src/registry/index.js';

export type { KeyHint };
export { READ_ONLY_REFUSAL } from '../src/registry/index.js';

/** A section's built-in keys, every one (the registry outside read-only mode): for listings that filter later. */
const builtin = (section: KeySection): KeyHint[] => buildRegistry({ readOnly: false }).hints(section, 'builtin');

export const GRID_KEYS = builtin('grid');
export const HOST_KEYS = builtin('host');
export const SERVICES_KEYS = builtin('services');
export const VOLUMES_KEYS = builtin('volumes');
export const LOG_SOURCE_KEYS = builtin('log-sources');
export const LOG_VIEW_KEYS = builtin('log-view');
export const FINDINGS_KEYS = builtin('findings');
export const TRUST_KEYS = builtin('host-key');
/** Cloud actions of an EC2 host (host view, any tab). */
export const CLOUD_KEYS = builtin('ec2');
/** Keys of the `:` prompt itself. */
export const COMMAND_BAR_KEYS = builtin('command-bar');
export const CONFIRM_KEYS = builtin('confirm');

/** The hints this mode registers (the registry's one read-only rule). */
export function visibleKeys(list: readonly KeyHint[], readOnly: boolean): KeyHint[] {
  return list.filter((k) => registers({ dangerous: k.dangerous === true }, readOnly));
}

export function footerText(list: readonly KeyHint[], readOnly = false): string {
  return visibleKeys(list, readOnly)
    .filter((k) => k.footer)
    .map((k) => `${k.keys.split(' ')[0]} ${k.short ?? k.label}`)
    .join('  ');
}

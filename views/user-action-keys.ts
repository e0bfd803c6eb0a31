import type { KeySection, Registry } from '../src/registry/index.js';
import type { HelpSection } from './HelpOverlay.js';

/** The operator's actions (actions.yaml) registered in these sections, as a help section (none when there are none). */
export function userActionSection(registry: Registry, sections: readonly KeySection[]): HelpSection[] {
  const keys = registry.hints(sections, 'user');
  return keys.length ? [{ title: 'Your actions (actions.yaml)', keys }] : [];
}

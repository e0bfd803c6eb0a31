import module from 'node:module';
import { resolveSync } from './lean-imports-hooks.js';

type RegisterHooks = (hooks: { resolve: typeof resolveSync }) => unknown;

/** Installs the resolve hook of lean-imports-hooks.ts before Ink is imported (see there why). Never throws. */
export function installLeanImports(): void {
  try {
    const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
    if (registerHooks) registerHooks({ resolve: resolveSync });
    else module.register('./lean-imports-hooks.js', import.meta.url);
  } catch {
    // Only a start-up optimisation: Ink loads the full module without it.
  }
}

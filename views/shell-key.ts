import { sanitizeLine } from '../src/util/sanitize.js';
import type { ViewContextValue } from './context.js';

/**
 * The shell key and `:ssh`: the core checks the host and audits the session, the terminal layer
 * hands the screen to ssh; a refusal (no SSH address, read-only…) is said in the status line.
 */
export function startShell(ctx: Pick<ViewContextValue, 'store' | 'intents' | 'foreground'>, machineId: string): void {
  const notify = (text: string) => ctx.store.getState().notify(text, 'error');
  if (!ctx.foreground) return notify('no terminal to hand to ssh here');
  ctx.intents.openShell(machineId, ctx.foreground).then(
    (r) => {
      if ('refused' in r) notify(`refused: ${sanitizeLine(r.refused)}`);
    },
    (err: unknown) => notify(`shell failed: ${sanitizeLine(err instanceof Error ? err.message : String(err))}`),
  );
}

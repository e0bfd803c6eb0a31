import type { CommandContext } from './context.js';
import { splitCommand } from './parse.js';
import { availableCommands, findCommand, type ArgKind } from './table.js';

/** What Tab can put in place of the word being typed, which starts at `from`. */
export interface Completion {
  kind: 'command' | 'argument';
  from: number;
  /** The word typed so far. */
  word: string;
  candidates: string[];
}

function argValues(kind: ArgKind, ctx: CommandContext, action: boolean): string[] {
  switch (kind) {
    case 'host':
      return [...ctx.hosts.map((h) => h.name), ...ctx.hosts.flatMap((h) => (h.instanceId ? [h.instanceId] : []))];
    case 'pool':
      return ctx.pools;
    case 'service':
      // An action is not offered for a service the planner would refuse.
      return action ? (ctx.actionServices ?? ctx.services) : ctx.services;
    case 'log':
      return ctx.logSources.map((s) => s.id);
    case 'sort':
      return [...ctx.sortKeys];
    case 'filter':
      return [];
  }
}

/**
 * Candidates for the word under the cursor (the end of the text): command names first, then the
 * argument of the command typed. Action commands offer nothing in read-only mode. Case-insensitive.
 */
export function completions(text: string, ctx: CommandContext): Completion {
  const lead = /^\s*:?\s*/.exec(text)?.[0].length ?? 0;
  const body = text.slice(lead);
  const space = body.search(/\s/);
  if (space < 0) {
    const names = availableCommands(ctx).map((c) => c.name);
    return { kind: 'command', from: lead, word: body, candidates: names.filter((n) => n.startsWith(body.toLowerCase())) };
  }
  const { word: cmd, rest } = splitCommand(text);
  const spec = findCommand(cmd);
  const argStart = lead + space + (/^\s*/.exec(body.slice(space))?.[0].length ?? 0);
  const typed = text.slice(argStart);
  const none: Completion = { kind: 'argument', from: argStart, word: typed, candidates: [] };
  if (!spec?.arg || !availableCommands(ctx).some((c) => c.entryId === spec.entryId)) return none;
  // One argument only; a host name is the rest of the line and may hold spaces.
  if (spec.arg.kind !== 'host' && (/\s/.test(rest) || /\s$/.test(typed))) return none;
  const lower = typed.toLowerCase();
  const values = [...new Set(argValues(spec.arg.kind, ctx, spec.dangerous))];
  return { kind: 'argument', from: argStart, word: typed, candidates: values.filter((v) => v.toLowerCase().startsWith(lower)) };
}

/** Longest prefix shared by every string (case-sensitive). */
export function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let p = values[0] ?? '';
  for (const v of values) while (!v.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The prompt's text plus, while Tab cycles through candidates, where it is in them. */
export interface PromptState {
  text: string;
  cycle?: { from: number; candidates: string[]; index: number };
}

/**
 * One press of Tab: a single candidate is completed (a command name that takes an argument gets its
 * space); several are narrowed to their common prefix; when the prefix is already typed, further
 * presses cycle through the candidates (Shift-Tab backwards).
 */
export function tabComplete(state: PromptState, ctx: CommandContext, backwards = false): PromptState {
  if (state.cycle) {
    const { from, candidates } = state.cycle;
    const n = candidates.length;
    const index = (state.cycle.index + (backwards ? n - 1 : 1)) % n;
    return { text: state.text.slice(0, from) + (candidates[index] ?? ''), cycle: { from, candidates, index } };
  }
  const c = completions(state.text, ctx);
  if (c.candidates.length === 0) return { text: state.text };
  const head = state.text.slice(0, c.from);
  if (c.candidates.length === 1) {
    const only = c.candidates[0] ?? '';
    const spec = c.kind === 'command' ? findCommand(only) : undefined;
    return { text: head + only + (spec?.arg ? ' ' : '') };
  }
  const prefix = commonPrefix(c.candidates);
  if (prefix.length > c.word.length && prefix.toLowerCase().startsWith(c.word.toLowerCase())) return { text: head + prefix };
  const index = backwards ? c.candidates.length - 1 : 0;
  return { text: head + (c.candidates[index] ?? ''), cycle: { from: c.from, candidates: c.candidates, index } };
}

import type React from 'react';
import { useReducer, useRef } from 'react';
import { Text } from 'ink';
import { completions, historyStep, tabComplete, type CommandContext, type PromptState } from '../src/commands/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { truncate } from './text.js';
import { useKeys } from './use-keys.js';

export interface CommandBarProps {
  context: CommandContext;
  /** Commands run this session, oldest first (↑/↓). */
  history: readonly string[];
  width: number;
  active: boolean;
  /** Text the bar opens with (a key that proposes a command, e.g. pool logs). */
  initialText?: string;
  onRun: (text: string) => void;
  onCancel: () => void;
}

interface BarState {
  prompt: PromptState;
  /** Position in the history while ↑/↓ browse it; undefined = the line being typed. */
  historyIndex?: number;
  /** What was typed before ↑ was pressed. */
  draft: string;
}

/** The `:` prompt: Tab completes (cycles), ↑/↓ history, Enter runs, Esc (or Backspace on an empty line) cancels. */
export function CommandBar(props: CommandBarProps): React.JSX.Element {
  const { theme } = useView();
  // State in a ref: keys typed faster than frames each see the previous key's result.
  const state = useRef<BarState>({ prompt: { text: props.initialText ?? '' }, draft: '' });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const set = (next: BarState) => {
    state.current = next;
    rerender();
  };

  useKeys((input, key) => {
    const s = state.current;
    if (key.escape) props.onCancel();
    else if (key.return) props.onRun(s.prompt.text);
    else if (key.tab) set({ ...s, prompt: tabComplete(s.prompt, props.context, key.shift) });
    else if (key.upArrow || key.downArrow) {
      const draft = s.historyIndex === undefined ? s.prompt.text : s.draft;
      const step = historyStep(props.history, s.historyIndex, key.upArrow ? -1 : 1, draft);
      set({ prompt: { text: step.text }, historyIndex: step.index, draft });
    } else if (key.backspace || key.delete) {
      if (s.prompt.text === '') props.onCancel();
      else set({ prompt: { text: s.prompt.text.slice(0, -1) }, draft: s.draft });
    } else if (input && !key.ctrl && !key.meta) {
      set({ prompt: { text: s.prompt.text + sanitizeLine(input) }, draft: s.draft });
    }
  }, props.active);

  const { prompt } = state.current;
  const cycle = prompt.cycle;
  const candidates = cycle ? cycle.candidates : completions(prompt.text, props.context).candidates;
  const typed = truncate(`:${prompt.text}█`, Math.max(1, props.width));
  let room = props.width - Array.from(typed).length - 2;
  const shown: React.JSX.Element[] = [];
  for (const [i, c] of candidates.entries()) {
    const text = sanitizeLine(c);
    if (room < text.length + 1) {
      if (room >= 1) shown.push(<Text key="more">…</Text>);
      break;
    }
    room -= text.length + 1;
    shown.push(
      <Text key={i} inverse={cycle?.index === i}>
        {text}
      </Text>,
      <Text key={`s${i}`}> </Text>,
    );
  }
  return (
    <Text wrap="truncate-end">
      <Text color={theme.accent}>{typed}</Text>
      {shown.length ? <Text color={theme.muted}>{'  '}{shown}</Text> : null}
    </Text>
  );
}

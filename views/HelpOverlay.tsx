import type React from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useView } from './context.js';
import type { KeyHint } from './keymap.js';
import { fit } from './text.js';

/** A titled list of keys, taken from the registry of the current mode (read-only registers no action key). */
export interface HelpSection {
  title: string;
  keys: KeyHint[];
}

export interface HelpOverlayProps {
  sections: HelpSection[];
  readOnly: boolean;
  height: number;
  width: number;
  active: boolean;
  onClose: () => void;
}

/** Every key of the current screen; any key closes it. */
export function HelpOverlay(props: HelpOverlayProps): React.JSX.Element {
  const { theme } = useView();
  useKeys(() => props.onClose(), props.active);

  const lines: { text: string; title?: boolean }[] = [];
  for (const s of props.sections) {
    const keys = s.keys;
    if (keys.length === 0) continue;
    lines.push({ text: s.title, title: true });
    for (const k of keys) lines.push({ text: `  ${fit(k.keys, 14)} ${k.label}` });
  }
  if (props.readOnly) lines.push({ text: 'read-only mode: action keys are disabled', title: true });
  const room = Math.max(1, props.height - 2);
  const shown = lines.length > room ? [...lines.slice(0, room - 1), { text: '…' }] : lines;
  return (
    <Box flexDirection="column" width={props.width}>
      <Text bold color={theme.accent} wrap="truncate-end">
        {fit('Help — any key closes', props.width)}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} bold={l.title} color={l.title ? theme.accent : undefined} wrap="truncate-end">
          {fit(l.text, props.width)}
        </Text>
      ))}
    </Box>
  );
}

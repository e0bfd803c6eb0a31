import type React from 'react';
import { useEffect, useRef } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { POOL_LOG_ID } from '../src/store/index.js';
import { useView } from './context.js';
import type { HelpSection } from './HelpOverlay.js';
import { footerText } from './keymap.js';
import { LogViewer } from './LogViewer.js';
import type { PaneInput } from './pane.js';
import { poolLogPrefix } from './pool-log-prefix.js';
import { fit } from './text.js';
import { useKeys } from './use-keys.js';
import { useRegistry } from './use-registry.js';

export interface PoolLogsScreenProps {
  /** What is followed where, e.g. "pool web · file:/var/log/syslog" (sanitized). */
  title: string;
  active: boolean;
  height: number;
  width: number;
  onBack: () => void;
  onHelp: (sections: HelpSection[]) => void;
  onCommand: () => void;
}

/** One log source followed on several hosts at once, interleaved, each line behind its host's coloured name. */
export function PoolLogsScreen(props: PoolLogsScreenProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const registry = useRegistry();
  const log = useStore(store, (s) => (s.log?.machineId === POOL_LOG_ID ? s.log : undefined));
  const names = useStore(
    store,
    useShallow((s) => Object.fromEntries((s.log?.hosts ?? []).map((id) => [id, s.hosts[id]?.machine.name ?? id]))),
  );
  const viewerInput = useRef<PaneInput | null>(null);
  const { onBack } = props;

  // Esc in the viewer closes the log: the screen goes with it. Leaving the screen stops the streams.
  useEffect(() => {
    if (!log) onBack();
  }, [log, onBack]);
  useEffect(() => () => (store.getState().log?.machineId === POOL_LOG_ID ? intents.closeLog() : undefined), [store, intents]);

  useKeys((input, key) => {
    if (viewerInput.current?.(input, key)) return;
    if (input === 'q') intents.closeLog();
    else if (input === ':') props.onCommand();
    else if (input === '?') props.onHelp([{ title: 'Pool log', keys: registry.hints(['log-view', 'pool-log'], 'builtin') }]);
  }, props.active);

  if (!log) return <Text color={theme.muted}>log closed</Text>;
  const footer = footerText(registry.hints(['log-view', 'pool-log'], 'builtin'));
  return (
    <Box flexDirection="column" width={props.width}>
      <Box flexDirection="column" height={Math.max(2, props.height - 1)} overflow="hidden">
        <LogViewer
          log={log}
          title={`${props.title} · ${log.hosts?.length ?? 0} hosts`}
          height={Math.max(2, props.height - 1)}
          width={props.width}
          inputRef={viewerInput}
          prefix={poolLogPrefix(log, names, theme)}
        />
      </Box>
      <Text color={theme.muted} wrap="truncate-end">
        {fit(footer, props.width)}
      </Text>
    </Box>
  );
}

import type React from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { LogSource } from '../src/model/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { LogViewer } from './LogViewer.js';
import { ListScreen, useList, type RowAction } from './ListScreen.js';
import type { PaneProps } from './pane.js';
import type { Column } from './Table.js';
import { fit } from './text.js';

const SOURCE_COLUMNS: Column<LogSource>[] = [
  { key: 'kind', header: 'KIND', width: 5 },
  { key: 'target', header: 'SOURCE', width: 'flex', value: (s) => sanitizeLine(s.target) },
];

export function LogsPane(props: PaneProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const machineId = props.host.machine.id;
  const log = useStore(store, (s) => (s.log && s.log.machineId === machineId ? s.log : undefined));
  const sources = props.host.machine.logs;
  const sourceList = useList(sources, (s) => s.id);
  const viewHeight = Math.max(1, props.height - 1);

  if (!log) {
    const open: RowAction<LogSource> = {
      keys: ['Enter'],
      run: (src) => intents.openLog(machineId, src.id),
    };
    return (
      <Box flexDirection="column">
        <Text color={theme.muted} wrap="truncate-end">
          {fit('choose a log source, Enter opens it', props.width)}
        </Text>
        <ListScreen
          list={sourceList}
          columns={SOURCE_COLUMNS}
          height={viewHeight - 1}
          width={props.width}
          inputRef={props.inputRef}
          actions={[open]}
          emptyText="this host declares no log sources"
        />
      </Box>
    );
  }

  const source = sources.find((s) => s.id === log.sourceId);
  return <LogViewer key={log.sourceId} log={log} title={sanitizeLine(source?.target ?? log.sourceId)} height={props.height} width={props.width} inputRef={props.inputRef} />;
}

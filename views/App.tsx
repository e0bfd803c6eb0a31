import React, { useEffect, useMemo, useState } from 'react';
import { Box, useApp } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ActionPlan } from '../src/model/index.js';
import type { FleetStore, Intents } from '../src/store/index.js';
import { ConfirmAction } from './ConfirmAction.js';
import { ConfirmPoolRepair, type PoolConfirm } from './ConfirmPoolRepair.js';
import { NowContext, ViewContext } from './context.js';
import { FleetGrid, INITIAL_GRID_UI, type GridUi } from './FleetGrid.js';
import { HelpOverlay, type HelpSection } from './HelpOverlay.js';
import { HostView } from './HostView.js';
import { GRID_KEYS } from './keymap.js';
import { StatusBar, statusLineCount } from './StatusBar.js';
import { pickTheme, type Theme } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';
import { userActionSection } from './user-action-keys.js';

export interface AppProps {
  store: FleetStore;
  intents: Intents;
  /** Defaults to the default theme, or no colours at all when NO_COLOR is set. */
  theme?: Theme;
  /** Called when the operator quits (q on the grid); defaults to Ink's exit. */
  onQuit?: () => void;
}

/** Wall clock for ages, ticking once a second: the only timer of the UI. */
function useClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

type Screen = { name: 'grid' } | { name: 'host'; machineId: string };

/** Screen switching: grid → host → confirmation, with help over any of them. */
export function App(props: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const now = useClock();
  const { columns, rows } = useTerminalSize();
  const theme = useMemo(() => props.theme ?? pickTheme(), [props.theme]);
  const ctx = useMemo(() => ({ store: props.store, intents: props.intents, theme }), [props.store, props.intents, theme]);
  const [screen, setScreen] = useState<Screen>({ name: 'grid' });
  const [gridUi, setGridUi] = useState<GridUi>(INITIAL_GRID_UI);
  const [help, setHelp] = useState<HelpSection[] | null>(null);
  const [confirm, setConfirm] = useState<ActionPlan | null>(null);
  const [poolConfirm, setPoolConfirm] = useState<PoolConfirm | null>(null);
  const { notice, providers, readOnly } = useStore(
    props.store,
    useShallow((s) => ({ notice: s.notice, providers: s.providers, readOnly: s.readOnly })),
  );

  // Keep one row spare: an output as tall as the terminal makes Ink clear the screen on every frame (flicker).
  const bodyHeight = Math.max(4, rows - 1 - statusLineCount({ notice, providers }, now));
  const overlay = help !== null || confirm !== null || poolConfirm !== null;
  const quit = props.onQuit ?? (() => exit());

  return (
    <ViewContext.Provider value={ctx}>
      <NowContext.Provider value={now}>
        {/* Always exactly rows - 1 lines: frames never change height, so the incremental renderer only
            rewrites the rows that changed and never has leftover rows to erase. */}
        <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)} overflow="hidden">
          <StatusBar width={columns} />
          <Box display={screen.name === 'grid' && !overlay ? 'flex' : 'none'} flexDirection="column">
            <FleetGrid
              active={screen.name === 'grid' && !overlay}
              height={bodyHeight}
              ui={gridUi}
              setUi={(f) => setGridUi(f)}
              onOpen={(machineId) => setScreen({ name: 'host', machineId })}
              onHelp={() => setHelp([{ title: 'Fleet grid', keys: GRID_KEYS }, ...userActionSection(props.store.getState().userActions, ['pool'])])}
              onQuit={quit}
              onConfirmPool={(c) => setPoolConfirm(c)}
            />
          </Box>
          {screen.name === 'host' ? (
            <Box display={overlay ? 'none' : 'flex'} flexDirection="column">
              <HostView
                machineId={screen.machineId}
                active={!overlay}
                height={bodyHeight}
                width={columns}
                onBack={() => setScreen({ name: 'grid' })}
                onHelp={(sections) => setHelp(sections)}
                onConfirm={(plan) => setConfirm(plan)}
                onConfirmPool={(c) => setPoolConfirm(c)}
              />
            </Box>
          ) : null}
          {confirm ? (
            <ConfirmAction plan={confirm} active={help === null} height={bodyHeight} width={columns} onClose={() => setConfirm(null)} />
          ) : null}
          {poolConfirm ? (
            <ConfirmPoolRepair {...poolConfirm} active={help === null} height={bodyHeight} width={columns} onClose={() => setPoolConfirm(null)} />
          ) : null}
          {help ? (
            <HelpOverlay sections={help} readOnly={readOnly} height={bodyHeight} width={columns} active onClose={() => setHelp(null)} />
          ) : null}
        </Box>
      </NowContext.Provider>
    </ViewContext.Provider>
  );
}

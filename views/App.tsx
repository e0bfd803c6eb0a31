import type React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { commandContext, parseCommand, pushHistory } from '../src/commands/index.js';
import { buildRegistry, type Registry } from '../src/registry/index.js';
import type { ActionPlan } from '../src/model/index.js';
import type { FleetStore, ForegroundRunner, Intents } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { breadcrumbParts, breadcrumbText } from './breadcrumb.js';
import { CommandBar } from './CommandBar.js';
import { runCommand, type Screen } from './command-run.js';
import { ConfirmAction } from './ConfirmAction.js';
import { ConfirmPoolRepair, type PoolConfirm } from './ConfirmPoolRepair.js';
import { NowContext, ViewContext } from './context.js';
import { FleetGrid, INITIAL_GRID_UI, type GridUi } from './FleetGrid.js';
import { HelpOverlay, type HelpSection } from './HelpOverlay.js';
import { HostView } from './HostView.js';
import { EventsScreen } from './EventsScreen.js';
import { PoolLogsScreen } from './PoolLogsScreen.js';
import { KeyDispatcher } from './terminal/key-dispatch.js';
import { READ_ONLY_REFUSAL, type KeyHint } from './keymap.js';
import { StatusBar, statusLineCount } from './StatusBar.js';
import { pickTheme, type Theme } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';
import { userActionSection } from './user-action-keys.js';
import { startShell } from './shell-key.js';
import { markByFilter } from './marks.js';

export interface AppProps {
  store: FleetStore;
  intents: Intents;
  /** Defaults to the default theme, or no colours at all when NO_COLOR is set. */
  theme?: Theme;
  /** Called when the operator quits (q on the grid); defaults to Ink's exit. */
  onQuit?: () => void;
  /** Runs a program with the terminal handed over (the shell key); given by the terminal layer. */
  foreground?: ForegroundRunner;
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

/** The registered commands as help lines (read-only mode registers no action command). */
const commandHints = (registry: Registry): KeyHint[] => registry.commands().map((c) => ({ keys: c.usage, label: c.summary }));

/** Screen switching: grid → host → confirmation, with help over any of them. */
export function App(props: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const now = useClock();
  const { columns, rows } = useTerminalSize();
  const theme = useMemo(() => props.theme ?? pickTheme(), [props.theme]);
  const ctx = useMemo(
    () => ({ store: props.store, intents: props.intents, theme, ...(props.foreground ? { foreground: props.foreground } : {}) }),
    [props.store, props.intents, theme, props.foreground],
  );
  const [screen, setShownScreen] = useState<Screen>({ name: 'grid' });
  /**
   * Every screen change goes through here: the notice on the status line was about the screen being
   * left, so it goes first; a notice the same key or command gives after moving (a refusal) stays.
   */
  const setScreen = useCallback(
    (next: Screen | ((s: Screen) => Screen)) => {
      props.store.getState().clearNotice();
      setShownScreen(next);
    },
    [props.store],
  );
  const [gridUi, setGridUi] = useState<GridUi>(INITIAL_GRID_UI);
  const [help, setHelp] = useState<HelpSection[] | null>(null);
  const [confirm, setConfirm] = useState<ActionPlan | null>(null);
  const [poolConfirm, setPoolConfirm] = useState<PoolConfirm | null>(null);
  const [commandOpen, setCommandOpen] = useState(false);
  const [commandText, setCommandText] = useState<string | undefined>(undefined);
  const [history, setHistory] = useState<string[]>([]);
  const serviceCursor = useRef<string | undefined>(undefined);
  const focusSeq = useRef(0);
  const hostId = screen.name === 'host' ? screen.machineId : undefined;
  const userActions = useStore(props.store, (s) => s.userActions);
  const { notice, providers, readOnly, hostName, logSource } = useStore(
    props.store,
    useShallow((s) => ({
      notice: s.notice,
      providers: s.providers,
      readOnly: s.readOnly,
      hostName: hostId ? s.hosts[hostId]?.machine.name : undefined,
      logSource: hostId && s.log?.machineId === hostId ? s.log.sourceId : undefined,
    })),
  );

  // Keep one row spare: an output as tall as the terminal makes Ink clear the screen on every frame (flicker).
  // The breadcrumb line and, while open, the command bar take one row each.
  const bodyHeight = Math.max(4, rows - 1 - statusLineCount({ notice, providers }, now, columns) - 1 - (commandOpen ? 1 : 0));
  const overlay = help !== null || confirm !== null || poolConfirm !== null;
  const screenActive = !overlay && !commandOpen;
  const quit = props.onQuit ?? (() => exit());
  const openCommand = (initialText?: string) => {
    setCommandText(initialText);
    setCommandOpen(true);
  };
  const backToGrid = useCallback(() => setScreen({ name: 'grid' }), [setScreen]);

  // App provides the view context, so it reads the registry's inputs from the store itself.
  const registry = buildRegistry({ readOnly, userActions });
  const screenHelp = () =>
    screen.name === 'grid'
      ? [{ title: 'Fleet grid', keys: registry.hints('grid', 'builtin') }]
      : screen.name === 'events'
        ? [{ title: 'Events', keys: registry.hints('events', 'builtin') }]
        : [{ title: 'Host', keys: registry.hints('host', 'builtin') }];
  const runLine = (text: string) => {
    setCommandOpen(false);
    if (text.replace(/^\s*:?/, '').trim() === '') return;
    setHistory((h) => pushHistory(h, text));
    const state = props.store.getState();
    const parsed = parseCommand(text, commandContext(state, { machineId: hostId, selectedService: serviceCursor.current }));
    if (!parsed.ok) {
      if (parsed.reason === 'read-only') state.notify(READ_ONLY_REFUSAL, 'warning');
      else state.notify(parsed.message, 'error');
      return;
    }
    runCommand(parsed.command, {
      screen,
      setScreen,
      setGridUi,
      intents: props.intents,
      confirm: (plan) => setConfirm(plan),
      confirmMarked: (c) => setPoolConfirm(c),
      store: props.store,
      notify: (text, level) => state.notify(text, level),
      showHelp: () => setHelp([{ title: 'Commands', keys: commandHints(registry) }, { title: 'Command bar', keys: registry.hints('command-bar') }, ...screenHelp()]),
      quit,
      nextSeq: () => ++focusSeq.current,
      shell: (machineId) => startShell(ctx, machineId),
      mark: (filter, on) => markByFilter(props.store, filter, on),
    });
  };
  const crumbs = breadcrumbParts({
    filter: gridUi.filter,
    host: hostName === undefined ? undefined : sanitizeLine(hostName),
    tab: screen.name === 'host' ? screen.tab : undefined,
    logSource: logSource === undefined ? undefined : sanitizeLine(logSource),
    overlay: help ? 'help' : confirm || poolConfirm ? 'confirm' : undefined,
    screen: screen.name === 'events' ? 'events' : undefined,
  });

  return (
    <KeyDispatcher>
    <ViewContext.Provider value={ctx}>
      <NowContext.Provider value={now}>
        {/* Always rows - 1 lines, whatever the screen: the footer and the command bar stay on the bottom rows. */}
        <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)}>
          <StatusBar width={columns} />
          <Text color={theme.muted} wrap="truncate-end">
            {breadcrumbText(crumbs, columns)}
          </Text>
          <Box display={screen.name === 'grid' && !overlay ? 'flex' : 'none'} flexDirection="column">
            <FleetGrid
              active={screen.name === 'grid' && screenActive}
              height={bodyHeight}
              ui={gridUi}
              setUi={(f) => setGridUi(f)}
              onOpen={(machineId) => setScreen({ name: 'host', machineId, tab: 'Services' })}
              onHelp={() => setHelp([{ title: 'Fleet grid', keys: registry.hints('grid', 'builtin') }, ...userActionSection(registry, ['grid'])])}
              onQuit={quit}
              onConfirmPool={(c) => setPoolConfirm(c)}
              onCommand={openCommand}
            />
          </Box>
          {screen.name === 'host' ? (
            <Box display={overlay ? 'none' : 'flex'} flexDirection="column">
              <HostView
                key={screen.machineId}
                machineId={screen.machineId}
                tab={screen.tab}
                onTab={(tab) => setScreen((s) => (s.name === 'host' ? { name: 'host', machineId: s.machineId, tab } : s))}
                focusService={screen.focus}
                serviceCursor={serviceCursor}
                onCommand={openCommand}
                active={screenActive}
                height={bodyHeight}
                width={columns}
                onBack={() => setScreen({ name: 'grid' })}
                onHelp={(sections) => setHelp(sections)}
                onConfirm={(plan) => setConfirm(plan)}
                onConfirmPool={(c) => setPoolConfirm(c)}
              />
            </Box>
          ) : null}
          {screen.name === 'events' ? (
            <Box display={overlay ? 'none' : 'flex'} flexDirection="column">
              <EventsScreen
                active={screenActive}
                height={bodyHeight}
                width={columns}
                onBack={() => setScreen({ name: 'grid' })}
                onHelp={() => setHelp(screenHelp())}
                onCommand={openCommand}
              />
            </Box>
          ) : null}
          {screen.name === 'pool-logs' ? (
            <Box display={overlay ? 'none' : 'flex'} flexDirection="column">
              <PoolLogsScreen
                title={screen.title}
                active={screenActive}
                height={bodyHeight}
                width={columns}
                onBack={backToGrid}
                onHelp={(sections) => setHelp(sections)}
                onCommand={openCommand}
              />
            </Box>
          ) : null}
          {confirm ? (
            <ConfirmAction plan={confirm} active={help === null} height={bodyHeight} width={columns} onClose={() => setConfirm(null)} />
          ) : null}
          {poolConfirm ? (
            <ConfirmPoolRepair {...poolConfirm} active={help === null} height={bodyHeight} width={columns} onClose={() => setPoolConfirm(null)} />
          ) : null}
          {commandOpen && !overlay ? (
            <CommandBar
              context={commandContext(props.store.getState(), { machineId: hostId, selectedService: serviceCursor.current })}
              history={history}
              {...(commandText !== undefined ? { initialText: commandText } : {})}
              width={columns}
              active
              onRun={runLine}
              onCancel={() => setCommandOpen(false)}
            />
          ) : null}
          {help ? (
            <HelpOverlay sections={help} readOnly={readOnly} height={bodyHeight} width={columns} active onClose={() => setHelp(null)} />
          ) : null}
        </Box>
      </NowContext.Provider>
    </ViewContext.Provider>
    </KeyDispatcher>
  );
}

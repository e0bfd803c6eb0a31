import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { startShell } from './shell-key.js';
import { useStore } from 'zustand';
import type { ActionPlan } from '../src/model/index.js';
import type { HostState } from '../src/store/index.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';
import { hostRow, hostVerdict } from '../src/store/selectors.js';
import { formatAge } from '../src/util/format-age.js';
import { formatLoad } from '../src/util/format-load.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useNow, useView } from './context.js';
import { FindingsPane } from './FindingsPane.js';
import type { HelpSection } from './HelpOverlay.js';
import { footerText } from './keymap.js';
import { hostActions } from './host-actions.js';
import type { KeySection } from '../src/registry/index.js';
import { useRegistry } from './use-registry.js';
import { LogsPane } from './LogsPane.js';
import type { PaneInput, PaneProps } from './pane.js';
import { ServicesPane, type ServiceFocus } from './ServicesPane.js';
import { fit, pct, truncate, wrap } from './text.js';
import { healthColor, type Theme } from './theme.js';
import { VolumesPane } from './VolumesPane.js';
import { offerMismatch, reviewOf, trustBlocked, TrustPanel, type ReviewedKey } from './TrustPanel.js';
import { userActionSection } from './user-action-keys.js';
import { trendLine } from './trend-text.js';

export const TABS = ['Services', 'Volumes', 'Logs', 'Findings'] as const;
/** Host name and numbers, probe line, baseline line, trend line. */
const HEADER_LINES = 4;
export type Tab = (typeof TABS)[number];

export interface HostViewProps {
  machineId: string;
  /** The open tab (App keeps it: the breadcrumbs and the command bar use it). */
  tab: Tab;
  onTab: (tab: Tab) => void;
  /** Command bar request to select a service in the Services tab. */
  focusService?: ServiceFocus;
  /** The Services tab's selected service, kept current for the command bar. */
  serviceCursor?: { current: string | undefined };
  /** `:` opens the command bar. */
  onCommand?: () => void;
  active: boolean;
  height: number;
  width: number;
  onBack: () => void;
  onHelp: (sections: HelpSection[]) => void;
  onConfirm: (plan: ActionPlan) => void;
  onConfirmPool: (confirm: PoolConfirm) => void;
}

interface Message {
  text: string;
  level: 'info' | 'warning' | 'error';
}

/** The registry section of the open tab's pane. */
function paneSection(tab: Tab, logOpen: boolean): KeySection {
  if (tab === 'Services') return 'services';
  if (tab === 'Volumes') return 'volumes';
  if (tab === 'Logs') return logOpen ? 'log-view' : 'log-sources';
  return 'findings';
}

function HostHeader({ host, now, theme, width }: { host: HostState; now: number; theme: Theme; width: number }): React.JSX.Element {
  const { store } = useView();
  const busy = useStore(store, (s) => (host.busyAction ? s.actions.find((a) => a.id === host.busyAction) : undefined));
  const row = hostRow(host, now);
  const m = host.machine;
  const p = host.probe;
  const first = [
    sanitizeLine(m.name),
    `${m.provider}/${sanitizeLine(m.site)}`,
    `pool ${sanitizeLine(m.pool)}`,
    hostVerdict(row).word,
    p ? `up ${formatAge(p.uptimeSec * 1000)}` : '',
    p ? `load ${formatLoad(p.load1)}` : '',
    p ? `mem ${pct(row.memPct)}` : '',
    m.cloud ? `${sanitizeLine(m.cloud.instanceId)} ${sanitizeLine(m.cloud.instanceType)} ${sanitizeLine(m.cloud.az)}${m.cloud.state !== 'running' ? ` ${sanitizeLine(m.cloud.state)}` : ''}` : '',
  ]
    .filter(Boolean)
    .join('  ');
  const last = host.last;
  const failed = last && last.reach !== 'ok' && last.reach !== 'slow';
  let second: string;
  if (failed) {
    second = `${last.reach}: ${sanitizeLine(last.error ?? 'no answer')}${p && host.probeAt ? ` — numbers from ${formatAge(now - host.probeAt)} ago` : ''}`;
  } else if (p && last) {
    second = `${sanitizeLine(p.hostname)} · ${sanitizeLine(p.kernel)} · ${p.init} · ${p.cpus} cpu · probed ${formatAge(now - last.at)} ago${last.latencyMs !== undefined ? ` in ${Math.round(last.latencyMs)}ms` : ''}`;
  } else {
    second = 'waiting for the first probe…';
  }
  const busyText = host.busyAction ? `↻ running: ${busy ? sanitizeLine(busy.plan.title) : host.busyAction} │ ` : '';
  const baseline = useStore(store, (s) => s.baselineInfo[host.machine.id]);
  const trends = useStore(store, (s) => s.trends);
  const baselineText = baseline
    ? `baseline: accepted ${sanitizeLine(baseline.acceptedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))} by ${sanitizeLine(baseline.acceptedBy)}`
    : 'no baseline (A in the grid accepts the current state as good)';
  return (
    <Box flexDirection="column">
      <Text bold color={healthColor(theme, row.health)} wrap="truncate-end">
        {truncate(first, width)}
      </Text>
      <Text wrap="truncate-end">
        {busyText ? <Text color={theme.accent}>{truncate(busyText, width)}</Text> : null}
        <Text color={failed ? theme.critical : theme.muted}>{truncate(second, Math.max(0, width - busyText.length))}</Text>
      </Text>
      <Text color={baseline ? theme.muted : theme.warning} wrap="truncate-end">
        {truncate(baselineText, width)}
      </Text>
      <Text color={theme.accent} wrap="truncate-end">
        {/* A blank line without trends: the header keeps its HEADER_LINES rows, so the footer stays on the bottom row. */}
        {truncate(trendLine(trends, host.machine.id, now, width), width) || ' '}
      </Text>
    </Box>
  );
}

function TabBar({ tab, findings, theme }: { tab: Tab; findings: number; theme: Theme }): React.JSX.Element {
  return (
    <Text wrap="truncate-end">
      {TABS.map((t, i) => {
        const label = ` ${i + 1} ${t}${t === 'Findings' && findings ? ` (${findings})` : ''} `;
        return (
          <Text key={t} inverse={t === tab} color={t === tab ? theme.accent : undefined}>
            {label}
          </Text>
        );
      })}
    </Text>
  );
}

export function HostView(props: HostViewProps): React.JSX.Element {
  const ctx = useView();
  const { store, intents, theme } = ctx;
  const now = useNow();
  const host = useStore(store, (s) => s.hosts[props.machineId]);
  const logOpen = useStore(store, (s) => s.log?.machineId === props.machineId);
  const { tab, onTab: setTab } = props;
  const registry = useRegistry();
  // The Services tab reads service actions; every tab reads host actions.
  const userSections: KeySection[] = tab === 'Services' ? ['services', 'host'] : ['host'];
  const [message, setMessage] = useState<Message | null>(null);
  const [trustAsk, setTrustAsk] = useState<ReviewedKey | null>(null);
  const paneInput = useRef<PaneInput | null>(null);

  // Leaving the host stops its log stream.
  useEffect(
    () => () => {
      if (store.getState().log?.machineId === props.machineId) intents.closeLog();
    },
    [store, intents, props.machineId],
  );

  const untrusted = host?.last?.reach === 'untrusted' && !!host.last.hostKey;
  const trustable = !!host && untrusted && trustBlocked(host) === undefined;
  const tabIndex = TABS.indexOf(tab);

  const { refuseReadOnly, requestAction, dispatchKey, requestPoolRepair } = hostActions({
    registry,
    intents,
    store,
    machineId: props.machineId,
    say: (text, level) => setMessage({ text, level }),
    onConfirm: props.onConfirm,
    onConfirmPool: props.onConfirmPool,
  });

  /** `y` in the dialog: only the key on screen, and only while the latest poll still offers it. */
  const trust = (reviewed: ReviewedKey) => {
    setTrustAsk(null);
    const mismatch = host ? offerMismatch(host, reviewed) : 'the host is gone';
    if (mismatch) {
      setMessage({ text: `trust refused: ${sanitizeLine(mismatch)}; nothing written`, level: 'error' });
      return;
    }
    intents.trustHostKey(props.machineId, { type: reviewed.type, base64: reviewed.base64, fingerprint: reviewed.fingerprint }).then(
      (outcome) =>
        setMessage(
          outcome.trusted
            ? { text: 'host key trusted; polling again', level: 'info' }
            : { text: `trust refused: ${sanitizeLine(outcome.reason)}`, level: 'error' },
        ),
      (err: unknown) => setMessage({ text: `trust failed: ${sanitizeLine(err instanceof Error ? err.message : String(err))}`, level: 'error' }),
    );
  };

  useKeys(
    (input, key) => {
      setMessage(null);
      if (trustAsk) {
        if (input === 'y') trust(trustAsk);
        else setTrustAsk(null);
        return;
      }
      if (paneInput.current?.(input, key)) return;
      if (key.tab) setTab(TABS[(tabIndex + (key.shift ? TABS.length - 1 : 1)) % TABS.length] ?? 'Services');
      else if (/^[1-4]$/.test(input)) setTab(TABS[Number(input) - 1] ?? 'Services');
      else if (input === 'h' || key.leftArrow) setTab(TABS[(tabIndex + TABS.length - 1) % TABS.length] ?? 'Services');
      else if (input === 'l' || key.rightArrow) setTab(TABS[(tabIndex + 1) % TABS.length] ?? 'Services');
      else if (input === 'q' || key.escape) props.onBack();
      else if (input === ':') props.onCommand?.();
      else if (input === '?') {
        const sections: HelpSection[] = [
          { title: `Host: ${tab}`, keys: registry.hints(paneSection(tab, logOpen), 'builtin') },
          { title: 'Host', keys: registry.hints('host', 'builtin') },
        ];
        if (trustable) sections.push({ title: 'Host key', keys: registry.hints('host-key') });
        if (host?.machine.cloud) sections.push({ title: 'EC2 instance', keys: registry.hints('ec2') });
        sections.push(...userActionSection(registry, userSections));
        props.onHelp(sections);
      } else if (untrusted && host && (registry.keyEntry('host-key', input) || registry.withheld('host-key', input))) {
        const blocked = trustBlocked(host);
        if (!registry.keyEntry('host-key', input)) refuseReadOnly();
        else if (blocked) setMessage({ text: sanitizeLine(blocked), level: 'error' });
        else if (host.last?.hostKey) setTrustAsk(reviewOf(host.last.hostKey));
      } else if (host?.machine.cloud && dispatchKey('ec2', input, {})) {
        // a cloud action of the instance
      } else if (input === 'R') {
        intents.refresh(props.machineId);
        setMessage({ text: 'polling…', level: 'info' });
      } else if (registry.keyEntry('host', input)?.intent.kind === 'shell') startShell(ctx, props.machineId);
      else dispatchKey('host', input, {});
    },
    props.active,
  );

  if (!host) {
    return (
      <Box flexDirection="column">
        <Text color={theme.warning}>this host is no longer in the fleet (q to go back)</Text>
      </Box>
    );
  }

  const width = props.width;
  const footerKeys = [
    ...registry.hints(paneSection(tab, logOpen), 'builtin'),
    ...registry.hints(userSections, 'user'),
    ...(trustable ? registry.hints('host-key') : []),
    ...(host.machine.cloud ? registry.hints('ec2') : []),
    ...registry.hints('host', 'builtin'),
  ];
  const bannerLines = untrusted ? 2 : 0;
  // A message (a refusal...) is shown whole, wrapped over as many rows as it needs; the footer keys otherwise.
  const footerRows = message ? wrap(message.text, width) : [footerText(footerKeys)];
  const paneHeight = Math.max(2, props.height - HEADER_LINES - 1 - bannerLines - footerRows.length);
  const paneProps: PaneProps = { host, height: paneHeight, width, inputRef: paneInput, registry, dispatchKey, requestAction, requestPoolRepair, refuseReadOnly };
  const hk = host.last?.hostKey;
  const messageColor = message?.level === 'error' ? theme.critical : message?.level === 'warning' ? theme.warning : theme.accent;

  let pane: React.JSX.Element;
  if (trustAsk) pane = <TrustPanel host={host} reviewed={trustAsk} theme={theme} width={width} />;
  else if (tab === 'Services') pane = <ServicesPane {...paneProps} focus={props.focusService} cursor={props.serviceCursor} />;
  else if (tab === 'Volumes') pane = <VolumesPane {...paneProps} />;
  else if (tab === 'Logs') pane = <LogsPane {...paneProps} />;
  else pane = <FindingsPane {...paneProps} />;
  if (trustAsk) paneInput.current = null;

  return (
    <Box flexDirection="column" width={width}>
      <HostHeader host={host} now={now} theme={theme} width={width} />
      {untrusted && hk ? (
        <>
          <Text color={theme.critical} wrap="truncate-end">
            {truncate(`host key ${hk.status}: ${sanitizeLine(hk.type)} ${sanitizeLine(hk.fingerprint)}`, width)}
          </Text>
          <Text color={theme.muted} wrap="truncate-end">
            {truncate(`for ${sanitizeLine(hk.knownHostsName)}${!registry.get('host-key.trust') ? '' : trustable ? ' — T to review and trust it' : hk.status === 'changed' ? ' — never replaced from here (T says why)' : host.cached ? ' — from the cache: R polls it live' : ''}`, width)}
          </Text>
        </>
      ) : null}
      <TabBar tab={tab} findings={host.findings.length} theme={theme} />
      <Box flexDirection="column" height={paneHeight} overflow="hidden">
        {pane}
      </Box>
      {footerRows.map((row, i) => (
        <Text key={`f${i}`} color={message ? messageColor : theme.muted} wrap="truncate-end">
          {fit(row, width)}
        </Text>
      ))}
    </Box>
  );
}

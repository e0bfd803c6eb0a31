import type { FailureClass, Severity } from './finding.js';

/**
 * What happened in this console, as the Events screen and `remlite events` show it. Alertmanager
 * alerts (the `alert-firing` findings) are events of their own kinds, named by their alert.
 */
export type FleetEventKind =
  | 'finding-raised'
  | 'finding-cleared'
  | 'alert-firing'
  | 'alert-resolved'
  | 'action-started'
  | 'action-finished'
  | 'provider-failed'
  | 'provider-recovered';

export const FLEET_EVENT_KINDS: readonly FleetEventKind[] = [
  'finding-raised',
  'finding-cleared',
  'alert-firing',
  'alert-resolved',
  'action-started',
  'action-finished',
  'provider-failed',
  'provider-recovered',
];

/** One line of the events log (JSON lines in the state dir); every text in it is already sanitized. */
export interface FleetEvent {
  at: string; // ISO time
  kind: FleetEventKind;
  /** One line saying what happened. */
  summary: string;
  machineId?: string;
  /** The host's display name. */
  host?: string;
  class?: FailureClass;
  severity?: Severity;
  /** What a finding concerns (a service, a mount...). */
  subject?: string;
  /** An Alertmanager alert's name. */
  alert?: string;
  /** Actions: who ran it (user@host), the catalogue id, the run's id shared by its started and finished events, its exit code. */
  operator?: string;
  action?: string;
  actionId?: string;
  exitCode?: number | null;
  provider?: string;
  /** This finding turned its host critical (it had no critical finding before): the one event a notification is sent for. */
  hostTurnedCritical?: boolean;
}

/** How the console signals a host turning critical: not at all, a terminal bell, or a desktop notification escape (OSC 9, OSC 777). */
export const NOTIFY_MODES = ['off', 'bell', 'osc9', 'osc777'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

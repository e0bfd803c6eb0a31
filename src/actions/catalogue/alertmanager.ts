import { shCommand } from '../../util/shell-quote.js';
import { validateSilence } from '../../../providers/prometheus/silence.js';
import type { CatalogueEntry } from './types.js';

/** A silence of one alert on one Prometheus host, made through the Alertmanager API (providers/prometheus). */
export const ALERTMANAGER_ENTRIES: Record<string, CatalogueEntry> = {
  'alertmanager.silence': {
    id: 'alertmanager.silence',
    title: (p) => `Silence ${p['alert']} for ${p['duration']} in Alertmanager`,
    params: ['alert', 'label', 'duration', 'comment'],
    validate: (p) => validateSilence(p),
    command: (p, ctx) =>
      shCommand('amtool', 'silence', 'add', `alertname=${p['alert'] ?? ''}`, `${p['label'] ?? ''}=${ctx.machine.name}`, `--duration=${p['duration'] ?? ''}`, `--comment=${p['comment'] ?? ''}`),
    expected: (p) => `Alertmanager holds a silence of ${p['alert']} on this host for ${p['duration']}; the alert's finding clears at the next refresh`,
    transport: 'cloud',
    precondition: (machine) => (machine.probedBy === 'prometheus' ? undefined : `${machine.name} is not read from Prometheus`),
  },
};

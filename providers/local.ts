import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import type { LogSource, Machine } from '../src/model/index.js';
import { isSafeServiceName } from '../src/util/shell-quote.js';

export const LOCAL_SYSLOG = '/var/log/syslog';

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine, probed without SSH. Unsafe service names are refused. */
export function localMachine(services: readonly string[] = []): Machine {
  const bad = services.filter((s) => !isSafeServiceName(s));
  if (bad.length) throw new Error(`unsafe service name${bad.length > 1 ? 's' : ''} for the local machine: ${bad.map((s) => JSON.stringify(s)).join(', ')}`);
  const unique = [...new Set(services)];
  const logs: LogSource[] = unique.map((s) => ({ id: `unit:${s}`, kind: 'unit', target: s }));
  if (readable(LOCAL_SYSLOG)) logs.unshift({ id: `file:${LOCAL_SYSLOG}`, kind: 'file', target: LOCAL_SYSLOG });
  return {
    id: 'local',
    name: os.hostname(),
    provider: 'local',
    site: 'local',
    pool: 'local',
    role: '',
    services: unique,
    logs,
    origin: 'this machine',
  };
}

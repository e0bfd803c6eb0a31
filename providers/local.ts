import os from 'node:os';
import path from 'node:path';
import type { LogSource, Machine } from '../src/model/index.js';
import { isSafeServiceName } from '../src/util/shell-quote.js';
import { discoverLogFiles } from './local-logs.js';

export const LOCAL_LOG_DIR = '/var/log';

/** This machine, probed without SSH, with its readable log files as sources. Unsafe service names are refused. */
export function localMachine(services: readonly string[] = [], logDir = LOCAL_LOG_DIR): Machine {
  const bad = services.filter((s) => !isSafeServiceName(s));
  if (bad.length) throw new Error(`unsafe service name${bad.length > 1 ? 's' : ''} for the local machine: ${bad.map((s) => JSON.stringify(s)).join(', ')}`);
  const unique = [...new Set(services)];
  const logs: LogSource[] = unique.map((s) => ({ id: `unit:${s}`, kind: 'unit', target: s }));
  // Syslog first, then every other readable log file under /var/log (remote hosts declare theirs).
  const files = discoverLogFiles(logDir);
  const syslog = path.join(logDir, 'syslog');
  const ordered = files.includes(syslog) ? [syslog, ...files.filter((f) => f !== syslog)] : files;
  logs.unshift(...ordered.map((f): LogSource => ({ id: `file:${f}`, kind: 'file', target: f })));
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

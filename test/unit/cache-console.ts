// A console over these machines whose fleet cache is `file` (its audit log beside it), polling rarely:
// for the fleet cache's tests, which fill its store by hand and close it.
import path from 'node:path';
import type { Machine } from '../../src/model/index.js';
import { createConsole } from '../../src/app/console.js';

export const consoleOver = (file: string, machines: Machine[]) =>
  createConsole({
    machines,
    auditPath: path.join(path.dirname(file), 'audit.log'),
    pollIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    slowThresholdMs: 1000,
    maxConcurrent: 4,
    logScrollback: 100,
    fleetCache: { file },
  });

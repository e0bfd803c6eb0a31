// Child for the temp-file test: begins an atomic write of a large document and exits (normally,
// as the console does on q or SIGTERM) while the write's temp file exists. Prints the temp's name.
// Usage: node atomic-exit.js FILE
import { existsSync } from 'node:fs';
import { pendingTemps, writeFileAtomic } from '../../src/persist/atomic.js';

const file = process.argv[2]!;
void writeFileAtomic(file, 'x'.repeat(64 * 1024 * 1024));
const poll = (): void => {
  const temp = pendingTemps()[0];
  if (temp && existsSync(temp)) {
    process.stdout.write(`${temp}\n`, () => process.exit(0));
    return;
  }
  setImmediate(poll);
};
poll();

// The Prometheus provider's worker thread: runs one server's fleet queries, parses the answers (tens
// of MB of JSON at 10,000 hosts) and maps them, off the console's main thread, so keys are not held
// behind a refresh. Its replies hold the polls as columns (see WorkerReply), and the machines as JSON
// text unless they are the ones the console already holds.
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { columnBuffers } from './fleet-columns.js';
import { queryServerColumns } from './server-query.js';
import type { WorkerReply, WorkerRequest } from './query-worker.js';

/**
 * Each server's machines as last sent: what they were made of and their key. Made of the same text
 * again, the console's machines (of that key) are these: none is made, written or hashed.
 */
const sent = new Map<string, { input: string; key: string }>();

parentPort?.on('message', (req: WorkerRequest) => {
  queryServerColumns(req.target, req.cfg, req.defaults).then(
    (fleet) => {
      let made = sent.get(req.target.url);
      let machines: string | undefined;
      if (!made || made.input !== fleet.machinesInput || made.key !== req.machinesKey) {
        machines = JSON.stringify(fleet.makeMachines());
        made = { input: fleet.machinesInput, key: createHash('sha256').update(machines).digest('base64') };
        sent.set(req.target.url, made);
      }
      const reply: WorkerReply = { id: req.id, columns: fleet.columns, warnings: fleet.warnings, machinesKey: made.key, ...(made.key === req.machinesKey ? {} : { machines }) };
      parentPort?.postMessage(reply, columnBuffers(fleet.columns));
    },
    (err: unknown) => parentPort?.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  ).finally(() => setImmediate(collectGarbage));
});

/**
 * A full collection once a refresh is answered (or failed): the thread now waits for the next one (15 s by
 * default) holding only the kept slow answers, but V8 would keep the heap grown to parse the answers
 * (about 60 MB more RSS at 10,000 hosts) until it next ran short. `gc` exists only in a context
 * made after --expose-gc is set; this thread has no other use for that context.
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

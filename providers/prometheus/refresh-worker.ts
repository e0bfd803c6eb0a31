// The Prometheus provider's worker thread: runs one server's fleet queries, parses the answers (tens
// of MB of JSON at 10,000 hosts) and maps them, off the console's main thread, so keys are not held
// behind a refresh. Its replies are plain data (structured clone).
import { parentPort } from 'node:worker_threads';
import { queryServer } from './server-query.js';
import type { WorkerReply, WorkerRequest } from './query-worker.js';

parentPort?.on('message', (req: WorkerRequest) => {
  queryServer(req.target, req.cfg, req.defaults).then(
    (fleet) => parentPort?.postMessage({ id: req.id, fleet } satisfies WorkerReply),
    (err: unknown) => parentPort?.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});

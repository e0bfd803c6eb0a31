// Child process for the crash test: runs one slow action on this machine through the real runner,
// so the parent can SIGKILL it in the middle. Usage: node run-long-action.js AUDIT_PATH
import { createConsole } from '../../src/app/console.js';
import { localMachine } from '../../providers/local.js';

const auditPath = process.argv[2]!;
const core = createConsole({
  machines: [localMachine()],
  auditPath,
  pollIntervalMs: 3_600_000,
  probeTimeoutMs: 10_000,
  slowThresholdMs: 5000,
  maxConcurrent: 2,
  logScrollback: 100,
});
const plan = {
  intent: { action: 'service.restart', machineId: 'local', params: { service: 'remlite-slow' } },
  title: 'Restart remlite-slow',
  hostName: 'local',
  command: 'sleep 5',
  expected: 'never finishes: the parent kills this process',
  transport: 'local' as const,
};
const first = core.intents.run(plan);
// A second action on the same host while the first runs must be refused.
setTimeout(() => {
  void core.intents.run({ ...plan, command: 'true' }).then(() => process.stdout.write('second-done\n'));
}, 200);
void first;

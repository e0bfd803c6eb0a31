// Metrics 3-5: 1,000 hosts served by in-process ssh2 servers (a child node process), the real console
// and App rendered by Ink to a recording fake terminal in this process: keypress latency, bytes per
// frame, dropped keys, RSS over a soak with a log pane streaming, and a 5,000 lines/s log.
import { installLeanImports } from '../views/terminal/lean-imports.js';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createConsole } from '../src/app/console.js';
import { applyHeapSettings } from '../src/util/heap-settings.js';
import type { Machine } from '../src/model/index.js';
import { BENCH_SERVICES } from './canned-probe.js';
import { FakeTtyIn, FakeTtyOut, type Frame } from './fake-tty.js';
import { figure, median, percentile, sleep, type Figure } from './stats.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const MB = 1024 * 1024;

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'remlite-bench', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

/** Resolves with the first frame after `since` whose text matches, or undefined after timeoutMs. */
export function frameAfter(out: FakeTtyOut, since: number, match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame | undefined> {
  const found = out.frames.find((f) => f.at >= since && match(f));
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const prev = out.onFrame;
    const timer = setTimeout(() => {
      out.onFrame = prev;
      resolve(undefined);
    }, timeoutMs);
    out.onFrame = (f) => {
      prev?.(f);
      if (f.at >= since && match(f)) {
        clearTimeout(timer);
        out.onFrame = prev;
        resolve(f);
      }
    };
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function benchUi(tmp: string, opts: { hosts?: number; soakS?: number } = {}): Promise<Figure[]> {
  const hosts = opts.hosts ?? Number(process.env['BENCH_UI_HOSTS'] ?? 1000);
  const soakS = opts.soakS ?? Number(process.env['BENCH_SOAK_S'] ?? 60);
  const dir = path.join(tmp, 'fake-fleet');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  keygen(path.join(dir, 'host_ed25519'));
  keygen(path.join(dir, 'client_ed25519'));
  const fleet = spawn(process.execPath, [path.join(HERE, 'fake-fleet.js'), String(hosts), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const figures: Figure[] = [];
  let core: ReturnType<typeof createConsole> | undefined;
  let tui: { unmount(): void; waitUntilExit(): Promise<void> } | undefined;
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake fleet did not start in 120 s')), 120_000);
      createInterface({ input: fleet.stdout! }).once('line', (l) => {
        clearTimeout(timer);
        resolve((JSON.parse(l) as { ports: number[] }).ports);
      });
      fleet.once('exit', (c) => reject(new Error(`fake fleet exited ${c}`)));
    });
    const hostPub = readFileSync(path.join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const kh = path.join(dir, 'known_hosts');
    writeFileSync(kh, ports.map((p) => `[127.0.0.1]:${p} ${hostPub}`).join('\n') + '\n');
    const machines: Machine[] = ports.map((port, i) => ({
      id: `node${String(i).padStart(4, '0')}`,
      name: `node${String(i).padStart(4, '0')}`,
      provider: 'datacenter',
      site: `dc${i % 3}`,
      pool: ['web', 'api', 'db', 'cache'][i % 4]!,
      role: '',
      ssh: { host: '127.0.0.1', port, user: 'bench', identityFiles: [path.join(dir, 'client_ed25519')], knownHostsFiles: [kh] },
      services: BENCH_SERVICES,
      logs:
        i === 0
          ? [
              { id: 'file:/var/log/bench-5000.log', kind: 'file', target: '/var/log/bench-5000.log' },
              { id: 'file:/var/log/bench-200.log', kind: 'file', target: '/var/log/bench-200.log' },
            ]
          : [],
      origin: 'bench',
    }));
    const scrollback = 2000;
    // As run-tui.ts does before the console starts.
    applyHeapSettings();
    core = createConsole({
      machines,
      auditPath: path.join(tmp, 'ui-state', 'audit.log'),
      pollIntervalMs: 5000,
      probeTimeoutMs: 10_000,
      slowThresholdMs: 5000,
      maxConcurrent: 64,
      logScrollback: scrollback,
    });
    const c = core;
    // Count completed polls: a cycle has landed when every host has a result.
    let polled = 0;
    c.store.subscribe((s, prev) => {
      if (s.hosts !== prev.hosts) polled = Object.values(s.hosts).filter((h) => h.last).length;
    });
    const cycleStart = performance.now();
    c.poller.start();
    const stdin = new FakeTtyIn();
    const out = new FakeTtyOut(120, 40);
    process.env['NODE_ENV'] ??= 'production'; // as the CLI runs the UI (see run-tui.ts)
    installLeanImports(); // as the CLI does before it loads Ink (bounded Ink caches)
    const { startTui } = await import('../views/terminal/start-tui.js');
    const { pickTheme } = await import('../views/theme.js');
    tui = startTui({ store: c.store, intents: c.intents, stdin: stdin as unknown as NodeJS.ReadStream, stdout: out as unknown as NodeJS.WriteStream, theme: pickTheme('default') });
    await waitFor(() => polled === hosts, 180_000, 'the first poll of every host');
    const firstCycleMs = performance.now() - cycleStart;
    const fails = Object.values(c.store.getState().hosts).filter((h) => h.last?.reach !== 'ok' && h.last?.reach !== 'slow');
    figures.push(figure(`ui: first poll of ${hosts} ssh2 hosts (connect + probe), in the console`, 'info', 'ms', [firstCycleMs], undefined, fails.length ? `${fails.length} hosts not ok: ${fails[0]?.last?.error}` : 'every host ok'));
    await sleep(1000);
    const fullFrame = Math.max(...out.frames.map((f) => f.bytes));

    // Keypresses while polls land (every 5 s): j presses at 120-320 ms, the status line's "N/total" tells handled keys.
    const selection = out.watch(new RegExp(`(\\d+)/${hosts} sort`));
    const selected = () => Number(selection() ?? NaN);
    const keyLatency: number[] = [];
    const keyBytes: number[] = [];
    const keyFrames = new Set<Frame>();
    // Room for the 30 typed-ahead j's below: a small fleet (BENCH_UI_HOSTS=50) times fewer keys
    // rather than pressing j on the last row, which moves nothing and would read as dropped keys.
    const keys = Math.max(1, Math.min(Number(process.env['BENCH_KEYS'] ?? 60), hosts - 32));
    let missing = 0;
    const framesBefore = out.frames.length;
    for (let k = 0; k < keys; k++) {
      const expect = k + 2;
      const sent = performance.now();
      stdin.press('j');
      const f = await frameAfter(out, sent, (fr) => fr.text.includes(`${expect}/${hosts} sort`));
      if (f) {
        keyLatency.push(f.at - sent);
        keyBytes.push(f.bytes);
        keyFrames.add(f);
      } else missing++;
      await sleep(120 + ((k * 37) % 200));
    }
    const otherBytes = out.frames.slice(framesBefore).filter((f) => !keyFrames.has(f)).map((f) => f.bytes);
    // Typed ahead: 30 keys in one chunk (a paste or a slow link), then 30 k's one by one at once.
    const before = selected();
    stdin.press('j'.repeat(30));
    for (let i = 0; i < 10; i++) stdin.press('k');
    // Wait until the selection has stopped moving (not a fixed pause: on a busy machine 40 redraws of
    // 1,000 hosts can take longer than any pause we would pick), then count.
    let after = selected();
    for (let stable = 0, waited = 0; stable < 5 && waited < 20_000; waited += 100) {
      await sleep(100);
      const now = selected();
      stable = now === after ? stable + 1 : 0;
      after = now;
    }
    const handled = after - before;
    if (process.env["BENCH_DEBUG"]) process.stderr.write(`typed ahead: before ${before} after ${after}\n`);
    figures.push(
      figure('ui: keypress (j) -> redrawn frame, polls landing', '<= 30 ms', 'ms', keyLatency, (m) => m <= 30, `p95 ${percentile(keyLatency, 95).toFixed(1)} ms; ${keyLatency.length} keys timed, ${missing} without a frame in 3 s`),
      figure('ui: keypress (j) -> redrawn frame, polls landing, p95', '<= 50 ms', 'ms', [percentile(keyLatency, 95)], (m) => m <= 50, `the 95th percentile of the ${keyLatency.length} keys above`),
      figure('ui: bytes per key frame while polls land', 'info', 'B', keyBytes, undefined, `a full screen (120x40) is ${fullFrame} B; polled rows and ages redraw with the selection`),
      figure('ui: bytes per other frame (polls, clock)', 'info', 'B', otherBytes.length ? otherBytes : [0]),
      figure('ui: keys handled of 30 j + 10 k typed ahead', '= 20 (0 dropped)', 'keys', [handled], (m) => m === 20),
    );

    // Logs: open node0000's 5,000 lines/s log in the Logs pane (g, Enter, 3, Enter) for 10 s.
    // Each key waits for the screen it leads to: under load a fixed pause is sometimes too short.
    const steps: [string, RegExp][] = [
      ['g', /1\/\d+ sort/],
      ['\r', /node0000 ·/],
      ['3', /bench-5000\.log/],
      ['\r', /bench-5000\.log · /],
    ];
    for (const [key, screen] of steps) {
      const t = performance.now();
      stdin.press(key);
      if (!(await frameAfter(out, t, (f) => screen.test(f.text), 10_000))) throw new Error(`no frame matching ${screen} after key ${JSON.stringify(key)}`);
    }
    await waitFor(() => c.store.getState().log?.status === 'streaming', 10_000, 'the log stream').catch((err: Error) => {
      throw new Error(`${err.message}; log ${JSON.stringify(c.store.getState().log?.status)}; last frames:\n${out.frames.slice(-3).map((f) => f.text).join('\n---\n')}`);
    });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const logFrames0 = out.frames.length;
    const logBytes0 = out.totalBytes;
    const logStart = performance.now();
    const received0 = (c.store.getState().log?.dropped ?? 0) + (c.store.getState().log?.lines.length ?? 0);
    lag.enable();
    // A key during the flood: still answered?
    const logKeyLat: number[] = [];
    for (let i = 0; i < 10; i++) {
      await sleep(900);
      const t = performance.now();
      stdin.press(i % 2 ? 'w' : 'w'); // wrap on/off: redraws the pane
      const f = await frameAfter(out, t, () => true, 2000);
      if (f) logKeyLat.push(f.at - t);
    }
    lag.disable();
    const logS = (performance.now() - logStart) / 1000;
    const logState = c.store.getState().log;
    const received = (logState?.dropped ?? 0) + (logState?.lines.length ?? 0) - received0;
    figures.push(
      figure('logs: lines/s received from the 5,000/s stream', '~5000', 'lines/s', [received / logS]),
      figure('logs: frames/s drawn while streaming', 'throttled', 'fps', [(out.frames.length - logFrames0) / logS], undefined, `${((out.totalBytes - logBytes0) / logS / 1024).toFixed(0)} KiB/s to the terminal`),
      figure('logs: max event-loop delay while streaming', 'responsive', 'ms', [lag.max / 1e6], (m) => m <= 100, `p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms`),
      figure('logs: keypress -> frame while streaming', '<= 30 ms', 'ms', logKeyLat, (m) => m <= 30),
      figure(`logs: scrollback length (cap ${scrollback}, logScrollback setting)`, `= ${scrollback}`, 'lines', [logState?.lines.length ?? 0], (m) => m === scrollback),
    );

    // Soak: Esc closes the 5,000/s log, j + Enter follows the 200 lines/s one; RSS at start and end.
    stdin.press('\u001b');
    await sleep(300);
    stdin.press('j');
    await sleep(200);
    stdin.press('\r');
    await waitFor(() => c.store.getState().log?.sourceId === 'file:/var/log/bench-200.log', 10_000, 'the soak log');
    await sleep(2000);
    // With `node --expose-gc`, collect before each sample: growth then means live objects, not garbage.
    const gc = (globalThis as { gc?: () => void }).gc;
    const heapSamples: number[] = [];
    gc?.();
    heapSamples.push(process.memoryUsage().heapUsed / MB);
    const rssStart = process.memoryUsage().rss / MB;
    const parts = (m: NodeJS.MemoryUsage) => `heap ${(m.heapUsed / MB).toFixed(0)}/${(m.heapTotal / MB).toFixed(0)} MB used/committed, external ${(m.external / MB).toFixed(0)} MB, array buffers ${(m.arrayBuffers / MB).toFixed(0)} MB`;
    const partsStart = parts(process.memoryUsage());
    if (process.env['BENCH_HEAP_SPACES']) for (const sp of getHeapSpaceStatistics()) process.stderr.write(`${sp.space_name} size ${(sp.space_size / MB).toFixed(1)} used ${(sp.space_used_size / MB).toFixed(1)} physical ${(sp.physical_space_size / MB).toFixed(1)}\n`);
    const samples: number[] = [rssStart];
    const snapshots = process.env['BENCH_HEAP_SNAPSHOTS'];
    if (snapshots) writeHeapSnapshot(path.join(snapshots, 'soak-start.heapsnapshot'));
    const soakEnd = Date.now() + soakS * 1000;
    while (Date.now() < soakEnd) {
      await sleep(Math.min(10_000, soakEnd - Date.now()));
      gc?.();
      samples.push(process.memoryUsage().rss / MB);
      heapSamples.push(process.memoryUsage().heapUsed / MB);
    }
    const rssEnd = samples[samples.length - 1]!;
    if (snapshots) writeHeapSnapshot(path.join(snapshots, 'soak-end.heapsnapshot'));
    figures.push(
      figure(`memory: RSS, ${hosts} hosts + streaming log pane (start of soak)`, '<= 200 MB', 'MB', [rssStart], (m) => m <= 200, partsStart),
      figure(`memory: RSS after a ${soakS} s soak (end)`, '<= 200 MB, no growth', 'MB', [rssEnd], (m) => m <= 200 && m - rssStart <= Math.max(10, rssStart * 0.05), `growth ${(rssEnd - rssStart).toFixed(1)} MB; samples every 10 s: ${samples.map((s) => s.toFixed(0)).join(' ')}`),
      figure(`memory: heap used at the end${gc ? ' (after gc)' : ''}`, 'info', 'MB', [process.memoryUsage().heapUsed / MB], undefined, `heap every 10 s${gc ? ' after gc' : ''}: ${heapSamples.map((h) => h.toFixed(0)).join(' ')}`),
    );

    // Quiet fleet: polls stopped, each j pressed just after the clock's frame: only the selection changes.
    c.poller.stop();
    c.intents.closeLog();
    stdin.press('q'); // back to the grid
    await sleep(1500);
    const quietBytes: number[] = [];
    for (let k = 0; k < 10; k++) {
      await frameAfter(out, performance.now(), () => true, 1500); // the clock's frame
      const t = performance.now();
      stdin.press(k % 2 ? 'k' : 'j');
      const f = await frameAfter(out, t, () => true, 1000);
      if (f) quietBytes.push(f.bytes);
    }
    figures.push(figure('ui: bytes per key frame, quiet fleet (only the selection changed)', 'proportional', 'B', quietBytes, (m) => m < fullFrame / 5, `full screen ${fullFrame} B`));
    void median;
  } finally {
    tui?.unmount();
    await core?.close();
    if (fleet.exitCode === null) fleet.kill('SIGTERM');
  }
  return figures;
}

// Logs from a real host: `tail -F` over SSH (the lab host's OpenSSH) while a writer inside the host
// appends RATE lines/s; the console at its default settings over the whole lab, the Logs pane open.
// Lines/s received, frames/s, event-loop delay and a keypress while streaming. The in-process ssh2
// source of ui-fleet.ts (5,000 lines/s, 1,000 hosts) stays as the ceiling figure.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { labExec } from '../test/support/lab.js';
import { labMachines, startLabTui } from './lab-console-tui.js';
import { frameAfter } from './ui-fleet.js';
import { figure, percentile, sleep, type Figure } from './stats.js';

const HOST = 'lab-web1';
const FILE = '/var/log/remlite-bench-follow.log';
/** The writer stops when this file appears (or after its time). */
const STOP = '/tmp/remlite-bench-follow.stop';

function writer(rate: number, seconds: number): string {
  return `exec perl -MTime::HiRes=time,sleep -e '
    open(my $f, ">>", "${FILE}") or die $!; select $f; $| = 1;
    my ($t0, $n) = (time, 0);
    while (time - $t0 < ${seconds} && ! -e "${STOP}") {
      my $due = int((time - $t0) * ${rate}) - $n;
      print $f "2026-11-25T12:00:00+0000 app[4242]: request ", $n++, " GET /api/v1/items?page=", $n % 97, " 200 ", $n % 13, " ms\\n" for 1 .. $due;
      sleep 0.01;
    }'`;
}

/** The event-loop delay of a node process that does nothing, over the same seconds: the machine's share. */
function idleLoopDelay(seconds: number): Promise<{ max: number; p99: number } | undefined> {
  const code = `const h=require('perf_hooks').monitorEventLoopDelay({resolution:10});h.enable();setTimeout(()=>{h.disable();console.log(JSON.stringify({max:h.max/1e6,p99:h.percentile(99)/1e6}))},${seconds * 1000})`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', () => {
      try {
        resolve(JSON.parse(out) as { max: number; p99: number });
      } catch {
        resolve(undefined);
      }
    });
  });
}

export async function benchLogFollowReal(rate = Number(process.env['BENCH_LOG_RATE'] ?? 5000), seconds = Number(process.env['BENCH_LOG_S'] ?? 10)): Promise<Figure[]> {
  const found = await labMachines();
  if ('skip' in found) return [{ metric: 'logs (real tail -F): skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: `lab not running: ${found.skip}` }];
  const source = { id: `file:${FILE}`, kind: 'file' as const, target: FILE };
  const machines = found.machines.map((m) => (m.id === HOST ? { ...m, logs: [source, ...m.logs] } : m));
  await labExec(HOST, `rm -f ${STOP}; : > ${FILE}`);
  const t = await startLabTui(found.lab, machines);
  const writing = labExec(HOST, writer(rate, seconds + 20), (seconds + 40) * 1000);
  try {
    const { core: c, out, keys } = t;
    // Filter the grid to the host (/NAME Enter), open it, its Logs tab, the first source.
    const steps: [string, RegExp][] = [
      ['/', /./],
      [HOST, new RegExp(HOST)],
      ['\r', /./],
      ['\r', new RegExp(`${HOST} ·`)],
      ['3', /remlite-bench-follow\.log/],
      ['\r', /remlite-bench-follow\.log · /],
    ];
    for (const [key, screen] of steps) {
      const at = performance.now();
      keys.press(key);
      if (!(await frameAfter(out, at, (f) => screen.test(f.text), 15_000))) throw new Error(`no frame matching ${screen} after key ${JSON.stringify(key)}`);
    }
    const end = Date.now() + 15_000;
    while (c.store.getState().log?.status !== 'streaming' || (c.store.getState().log?.lines.length ?? 0) < 200) {
      if (Date.now() > end) throw new Error(`log did not stream: ${JSON.stringify(c.store.getState().log?.status)}`);
      await sleep(50);
    }
    const received = () => (c.store.getState().log?.dropped ?? 0) + (c.store.getState().log?.lines.length ?? 0);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const frames0 = out.frames.length;
    const bytes0 = out.totalBytes;
    const lines0 = received();
    const started = performance.now();
    const floor = idleLoopDelay(seconds);
    lag.enable();
    const keyMs: number[] = [];
    for (let i = 0; i < seconds; i++) {
      await sleep(900);
      const at = performance.now();
      keys.press('w');
      const f = await frameAfter(out, at, () => true, 2000);
      if (f) keyMs.push(f.at - at);
    }
    lag.disable();
    const idle = await floor;
    const s = (performance.now() - started) / 1000;
    const lines = (received() - lines0) / s;
    const polled = Object.values(c.store.getState().hosts).filter((h) => h.last?.reach === 'ok').length;
    return [
      figure(`logs (real tail -F over OpenSSH, lab host): lines/s received of ${rate}/s written`, `~${rate}`, 'lines/s', [lines], (m) => m >= rate * 0.9, `${polled}/${machines.length} lab hosts polled ok meanwhile (default 5 s interval)`),
      figure('logs (real tail -F): frames/s drawn while streaming', 'throttled', 'fps', [(out.frames.length - frames0) / s], undefined, `${((out.totalBytes - bytes0) / s / 1024).toFixed(0)} KiB/s to the terminal`),
      figure('logs (real tail -F): max event-loop delay while streaming', '<= 50 ms', 'ms', [lag.max / 1e6], (m) => m <= 50, `p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, mean ${(lag.mean / 1e6).toFixed(1)} ms`),
      figure('logs floor: max event-loop delay of an idle node process, same window', 'baseline', 'ms', idle ? [idle.max] : [], undefined, idle ? `p99 ${idle.p99.toFixed(1)} ms: what the machine's load alone costs a timer` : 'did not report'),
      figure('logs (real tail -F): keypress -> frame while streaming', '<= 30 ms', 'ms', keyMs, (m) => m <= 30, `p95 ${percentile(keyMs, 95).toFixed(1)} ms`),
    ];
  } finally {
    await t.close();
    await labExec(HOST, `touch ${STOP}`).catch(() => undefined);
    await writing;
    await labExec(HOST, `rm -f ${STOP} ${FILE}`).catch(() => undefined);
  }
}

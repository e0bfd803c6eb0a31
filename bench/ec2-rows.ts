// EC2: from the provider's list returning to rows on screen. A loopback EC2 endpoint (its own node
// process) serves 1,000 instances in 3 regions, each with a private address on loopback where nothing
// listens; the real console (SDK, provider refresh, poller, Ink) renders to a recording terminal.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { installLeanImports } from '../views/terminal/lean-imports.js';
import { createConsole } from '../src/app/console.js';
import { SETTINGS_DEFAULTS } from '../src/persist/settings.js';
import { systemEnv } from '../providers/ssh-defaults.js';
import { awsTestEnv, applyEnv } from '../test/support/aws-env.js';
import { FakeTtyIn, FakeTtyOut } from './fake-tty.js';
import { figure, sleep, type Figure } from './stats.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];

export async function benchEc2Rows(total = Number(process.env['BENCH_EC2_INSTANCES'] ?? 1000)): Promise<Figure[]> {
  const per = Math.ceil(total / REGIONS.length);
  const fake = spawn(process.execPath, [path.resolve(HERE, '../test/support/fake-ec2-serve.js'), String(per), REGIONS.join(','), '127.79'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let core: ReturnType<typeof createConsole> | undefined;
  let tui: { unmount(): void } | undefined;
  const savedEnv = { ...process.env };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: fake.stdout! }).once('line', resolve);
      fake.once('exit', (c) => reject(new Error(`fake EC2 exited ${c}`)));
    });
    const aws = awsTestEnv(url, [{ name: 'default', accessKeyId: 'AKIDBENCH', region: 'us-east-1' }]);
    applyEnv(aws.env);
    const { Ec2Provider } = await import('../providers/ec2/index.js');
    const { resolveEc2Config } = await import('../providers/ec2/config.js');
    const cfg = resolveEc2Config(undefined, { ec2: true, profiles: [], regions: REGIONS }, {})!;
    const provider = new Ec2Provider(cfg, systemEnv(aws.home));
    let listStart = 0;
    let listReturned = 0;
    const list = provider.list.bind(provider);
    provider.list = async () => {
      listStart ||= performance.now();
      const r = await list();
      listReturned ||= performance.now();
      return r;
    };
    core = createConsole({
      machines: [],
      auditPath: path.join(mkdtempSync(path.join(tmpdir(), 'remlite-ec2rows-')), 'audit.log'),
      pollIntervalMs: SETTINGS_DEFAULTS.pollIntervalMs,
      probeTimeoutMs: SETTINGS_DEFAULTS.probeTimeoutMs,
      slowThresholdMs: SETTINGS_DEFAULTS.slowThresholdMs,
      maxConcurrent: SETTINGS_DEFAULTS.maxConcurrent,
      logScrollback: SETTINGS_DEFAULTS.logScrollback,
      cloud: { provider, refreshMs: cfg.refreshMs },
    });
    const c = core;
    let inStore = 0;
    let firstProbe = 0;
    c.store.subscribe((s) => {
      if (!inStore && s.order.length > 0) inStore = performance.now();
      if (!firstProbe && s.order.some((id) => s.hosts[id]?.last)) firstProbe = performance.now();
    });
    const out = new FakeTtyOut(120, 40);
    let onScreen = 0;
    out.onFrame = (f) => {
      if (!onScreen && /-web\d/.test(f.text)) onScreen = f.at;
    };
    process.env['NODE_ENV'] ??= 'production';
    installLeanImports();
    const { startTui } = await import('../views/terminal/start-tui.js');
    const { pickTheme } = await import('../views/theme.js');
    tui = startTui({ store: c.store, intents: c.intents, stdin: new FakeTtyIn() as unknown as NodeJS.ReadStream, stdout: out as unknown as NodeJS.WriteStream, theme: pickTheme('default') });
    c.poller.start();
    void c.providerRefresh!.start();
    const end = Date.now() + 120_000;
    while (!(onScreen && firstProbe) && Date.now() < end) await sleep(20);
    const listed = c.store.getState().order.length;
    const parts = Object.entries(c.store.getState().providers).map(([k, v]) => `${k} ${v.ok ? 'ok' : v.message}`).join('; ');
    const note = `${listed} instances listed (${parts}); rows in the store ${(inStore - listReturned).toFixed(0)} ms after the list returned; first probe result ${(firstProbe - listReturned).toFixed(0)} ms after`;
    return [
      figure(`ec2: list (SDK load + ${REGIONS.length} regions, ${total} instances)`, 'info', 'ms', [listReturned - listStart]),
      figure('ec2: list returned -> rows on screen', '<= 1000 ms', 'ms', onScreen && listReturned ? [onScreen - listReturned] : [], (m) => m <= 1000 && listed >= total, note),
    ];
  } finally {
    tui?.unmount();
    await core?.close();
    if (fake.exitCode === null) fake.kill('SIGTERM');
    // The sealed AWS environment was for this section only.
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}

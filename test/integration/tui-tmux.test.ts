// The real console in a real terminal (tmux, 80x24), driven by keystrokes the way an operator does:
// a host turns red, filter to its pool, drill into it, read its log, run its finding's repair after
// reading the exact command, see it green in the grid again, and quit with Ctrl-C leaving the
// terminal usable.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { TmuxSession } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : (TmuxSession.unavailableReason() ?? false);
const HOST = 'lab-web2';
let tmux: TmuxSession | undefined;

after(async () => {
  tmux?.kill();
  if (!skip) await labExec(HOST, 'systemctl start apache2');
});

test('triage in tmux: grid, filter, drill in, red service, restart, log, Ctrl-C', { skip }, async () => {
  const lab = info as LabInfo;
  const dir = mkdtempSync(join(tmpdir(), 'remlite-tmux-'));
  const sttyFile = join(dir, 'stty.txt');
  // The bundle: what `npm start` and the installed `remlite` run.
  const main = join(process.cwd(), 'dist/bundle/remlite.cjs');
  tmux = TmuxSession.start(
    `remlite-test-${process.pid}`,
    `${process.execPath} ${main} --inventory ${lab.inventoryPath} --no-ssh-config --no-local --interval 1; echo REMLITE-EXIT=$?; stty -a > ${sttyFile}; sleep 120`,
    { REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir, TERM: 'xterm-256color' },
  );
  const t = tmux;

  // Live rows: a state word (a busy machine's shared load average can make every lab host "warning" or "critical").
  const grid = await t.waitScreen('the fleet grid with every lab host', (s) => lab.hosts.every((h) => s.includes(h.name)) && /\b(ok|warning|critical)\b/.test(s));
  assert.ok(grid.split('\n').every((l) => l.length <= 80), 'fits 80 columns');
  const row = (s: string, name: string) => s.split('\n').find((l) => l.startsWith(name)) ?? '';

  // Something breaks: the host turns red in the grid.
  await labExec(HOST, 'systemctl stop apache2');
  await t.waitScreen(`${HOST} red in the grid`, (s) => /\bcrit\b/.test(row(s, HOST)) && /\b2\/3\b/.test(row(s, HOST)));

  // Filter to its pool and drill into the red host, typed ahead without waiting for any screen:
  // each key reaches the screen the one before it opened.
  t.keys('/');
  t.type('pool:web');
  t.keys('Enter', 'j', 'Enter');
  await t
    .waitScreen('the host view with apache2 down', (s) => s.includes(`fleet › pool:web › ${HOST} › Services`) && /apache2\s+inactive/.test(s))
    .catch((e: Error) => {
      throw new Error(e.message + '\n' + t.screen());
    });

  // Read its log.
  t.keys('3');
  await t.waitScreen('the log sources', (s) => s.includes('/var/log/remlite-lab.log'));
  t.keys('j', 'j', 'j', 'Enter');
  await t.waitScreen('the log streaming', (s) => /remlite-lab\.log · streaming/.test(s)).catch((e: Error) => { throw new Error(e.message + '\n' + t.screen()); });
  const marker = `tmux-marker-${process.pid}`;
  await labExec(HOST, `logger -p local0.warning ${marker}`);
  await t.waitScreen('the logged line', (s) => s.includes(marker));
  t.keys('Escape');
  await t.waitScreen('the log closed', (s) => !/remlite-lab\.log · streaming/.test(s));

  // Run the finding's repair, confirmed after reading the exact command.
  t.keys('4');
  await t.waitScreen('the findings', (s) => /apache2/.test(s) && /Enter repair/.test(s));
  t.keys('Enter');
  await t.waitScreen('the confirmation with the exact command', (s) => s.includes('systemctl restart -- apache2.service') && /y run/.test(s));
  t.keys('y');
  await t.waitScreen('the result', (s) => /succeeded \(exit 0/.test(s));
  t.keys('Escape');
  // Each key waits for its screen: an Escape followed at once by q reads as Alt-q.
  await t.waitScreen('the host view again', (s) => !/succeeded \(exit 0/.test(s) && /q back/.test(s));

  // Back on the grid (still filtered to the web pool), the host is green again.
  t.keys('q');
  await t.waitScreen('the web pool only', (s) => s.includes('lab-web1') && s.includes(HOST) && !s.includes('lab-db1') && /filter:pool:web/.test(s));
  // Green: services complete and the same state and findings as its healthy sibling (on a busy
  // machine every lab host shares the real load average, and with it a load finding, which is
  // critical on both under three CI runs at once: the sibling is the measure, not the word "ok").
  const health = (s: string, name: string) => {
    const r = row(s, name);
    return { state: / (ok|slow|critical|warning) /.exec(r)?.[1], svc: /\b(\d+\/\d+)\b/.exec(r)?.[1], find: /\d+\/\d+\s+(.*?)\s+\d+s\s*$/.exec(r)?.[1] ?? '' };
  };
  await t
    .waitScreen(`${HOST} green in the grid`, (s) => {
      const sick = health(s, HOST);
      const peer = health(s, 'lab-web1');
      return sick.svc === '3/3' && sick.state !== undefined && sick.state === peer.state && sick.find === peer.find;
    })
    .catch((e: Error) => {
      throw new Error(e.message + '\n' + t.screen());
    });

  const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; command: string; exitCode?: number });
  assert.deepEqual(audit.map((e) => e.phase), ['started', 'finished']);
  assert.match(audit[0]!.command, /systemctl restart -- apache2\.service/);
  assert.equal(audit[1]!.exitCode, 0);

  t.keys('C-c');
  await waitFor('remlite to exit', () => existsSync(sttyFile) && readFileSync(sttyFile, 'utf8').length > 0, 30_000);
  const screen = t.screen();
  assert.match(screen, /REMLITE-EXIT=0/);
  assert.ok(!screen.includes(HOST) && !/ sort:/.test(screen), `the alternate screen is left and the shell's screen is back:\n${screen}`);
  const stty = readFileSync(sttyFile, 'utf8');
  assert.match(stty, /(^|\s)icanon(\s|$)/, 'canonical mode restored');
  assert.match(stty, /(^|\s)echo(\s|$)/, 'echo restored');
});

// The real console in a real terminal (tmux, 80x24), driven by keystrokes the way an operator does:
// see the lab fleet, filter, drill into a host, watch a stopped service turn red, restart it with
// confirmation, read its log, and quit with Ctrl-C leaving the terminal usable.
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
  const main = join(process.cwd(), 'dist/bundle/remlite.mjs');
  tmux = TmuxSession.start(
    `remlite-test-${process.pid}`,
    `${process.execPath} ${main} --inventory ${lab.inventoryPath} --no-ssh-config --no-local --interval 1; echo REMLITE-EXIT=$?; stty -a > ${sttyFile}; sleep 120`,
    { REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir, TERM: 'xterm-256color' },
  );
  const t = tmux;

  const grid = await t.waitScreen('the fleet grid with every lab host', (s) => lab.hosts.every((h) => s.includes(h.name)) && /\bok\b/.test(s));
  assert.ok(grid.split('\n').every((l) => l.length <= 80), 'fits 80 columns');

  t.keys('/');
  t.type(HOST);
  t.keys('Enter');
  await t.waitScreen('the filtered grid', (s) => s.includes(HOST) && !s.includes('lab-db1')).catch((e: Error) => { throw new Error(e.message + '\n' + t.screen()); });
  t.keys('Enter');
  await t.waitScreen('the host view', (s) => /Services/.test(s) && /apache2\s+active/.test(s));

  await labExec(HOST, 'systemctl stop apache2');
  await t.waitScreen('apache2 shown inactive', (s) => /apache2\s+inactive/.test(s));

  t.keys('r');
  await t.waitScreen('the confirmation with the exact command', (s) => s.includes('systemctl restart -- apache2.service') && /y run/.test(s));
  t.keys('y');
  await t.waitScreen('the result', (s) => /succeeded \(exit 0/.test(s));
  t.keys('Escape');
  await t.waitScreen('apache2 active again', (s) => /apache2\s+active/.test(s));

  const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; command: string; exitCode?: number });
  assert.deepEqual(audit.map((e) => e.phase), ['started', 'finished']);
  assert.equal(audit[1]!.exitCode, 0);

  t.keys('3');
  await t.waitScreen('the log sources', (s) => s.includes('/var/log/remlite-lab.log'));
  t.keys('j', 'j', 'j', 'Enter');
  await t.waitScreen('the log streaming', (s) => /remlite-lab\.log · streaming/.test(s)).catch((e: Error) => { throw new Error(e.message + '\n' + t.screen()); });
  const marker = `tmux-marker-${process.pid}`;
  await labExec(HOST, `logger -p local0.warning ${marker}`);
  await t.waitScreen('the logged line', (s) => s.includes(marker));

  t.keys('C-c');
  await waitFor('remlite to exit', () => existsSync(sttyFile) && readFileSync(sttyFile, 'utf8').length > 0, 30_000);
  const screen = t.screen();
  assert.match(screen, /REMLITE-EXIT=0/);
  assert.ok(!screen.includes(HOST) && !/ sort:/.test(screen), `the alternate screen is left and the shell's screen is back:\n${screen}`);
  const stty = readFileSync(sttyFile, 'utf8');
  assert.match(stty, /(^|\s)icanon(\s|$)/, 'canonical mode restored');
  assert.match(stty, /(^|\s)echo(\s|$)/, 'echo restored');
});

// The shell key in a real terminal (tmux, 80x24): S on a lab host hands the terminal to the
// operator's own ssh with the host's exact settings; a command typed there runs on the lab host;
// exiting brings the console back, drawn again, polling again; the session is in the audit log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { TmuxSession, tmuxLabConsole } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : (TmuxSession.unavailableReason() ?? false);
const HOST = 'lab-web1';
let tmux: TmuxSession | undefined;

after(async () => {
  tmux?.kill();
  if (!skip) await labExec(HOST, 'systemctl start apache2; rm -f /tmp/remlite-shell-mark');
});

test('S opens ssh on the host, a command runs there, exit brings the console back polling', { skip }, async () => {
  const lab = info as LabInfo;
  const dir = mkdtempSync(join(tmpdir(), 'remlite-shell-'));
  const sttyFile = join(dir, 'stty.txt');
  await labExec(HOST, 'rm -f /tmp/remlite-shell-mark');
  tmux = tmuxLabConsole(`remlite-shell-${process.pid}`, lab.inventoryPath, dir, `echo REMLITE-EXIT=$?; stty -a > ${sttyFile}; sleep 120`);
  const t = tmux;
  const fail = (e: Error) => {
    throw new Error(`${e.message}\n${t.screen()}`);
  };

  await t.waitScreen('the fleet grid', (s) => lab.hosts.every((h) => s.includes(h.name)) && /\b(ok|warning)\b/.test(s)).catch(fail);
  t.keys(':');
  t.type(`host ${HOST}`);
  t.keys('Enter');
  await t.waitScreen('the host view', (s) => s.includes(`fleet › ${HOST} › Services`) && /apache2\s+active/.test(s)).catch(fail);

  t.keys('S');
  // The console left the alternate screen: the remote shell's prompt, and no grid or tab bar.
  await t.waitScreen('the remote prompt', (s) => new RegExp(`@${HOST}[^\\n]*[#$] *$`, 'm').test(s) && !s.includes('Services')).catch(fail);
  t.type('echo "mark-$(hostname)" > /tmp/remlite-shell-mark; echo typed-$((6*7))');
  t.keys('Enter');
  await t.waitScreen('the command ran', (s) => s.includes('typed-42')).catch(fail);
  // The file is on the lab host (its own /tmp), written by a shell whose hostname is the lab host's.
  const mark = await labExec(HOST, 'cat /tmp/remlite-shell-mark');
  assert.equal(mark.stdout.trim(), `mark-${HOST}`);

  t.type('exit 3');
  t.keys('Enter');
  await t.waitScreen('the console drawn again', (s) => s.includes(`fleet › ${HOST} › Services`) && /shell on lab-web1 ended \(exit 3\)/.test(s)).catch(fail);

  // Polling resumed: a service stopped now shows on the next probe.
  await labExec(HOST, 'systemctl stop apache2');
  await t.waitScreen('apache2 down after the shell', (s) => /apache2\s+inactive/.test(s)).catch(fail);

  const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { phase: string; action: string; command: string; exitCode?: number | null; host: string });
  const shell = audit.filter((e) => e.action === 'ssh.shell');
  assert.deepEqual(shell.map((e) => e.phase), ['started', 'finished']);
  assert.equal(shell[0]!.host, HOST);
  assert.match(shell[0]!.command, /^ssh -o StrictHostKeyChecking=yes -o '?UserKnownHostsFile=\S+known_hosts'? /);
  assert.match(shell[0]!.command, /-i \S+client_ed25519 .*-p 22 -l root -- 127\.77\.\d+\.1$/);
  assert.equal(shell[1]!.exitCode, 3);

  t.keys('q');
  await t.waitScreen('the grid', (s) => / sort:/.test(s)).catch(fail);
  t.keys('q');
  await waitFor('remlite to exit', () => existsSync(sttyFile) && readFileSync(sttyFile, 'utf8').length > 0, 30_000);
  assert.match(t.screen(), /REMLITE-EXIT=0/);
  assert.match(readFileSync(sttyFile, 'utf8'), /(^|\s)icanon(\s|$)/, 'canonical mode restored');
});

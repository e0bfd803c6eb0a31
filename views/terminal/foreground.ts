// Handing the terminal to another program (the shell key's ssh) and taking it back: the console
// stops reading keys, leaves raw mode and the alternate screen, and the program inherits the
// terminal; when it exits, raw mode, mouse reporting and the alternate screen come back and the
// latest frame is repainted whole.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ForegroundRunner } from '../../src/store/index.js';
import type { FrameWriter } from './frame-writer.js';
import { MOUSE_OFF, MOUSE_ON } from './mouse.js';
import type { TtyStdin } from './tty-stdin.js';

export interface TerminalParts {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  ttyIn?: TtyStdin;
  writer?: FrameWriter;
  mouse: boolean;
}

const SHOW_CURSOR = '\u001b[?25h';
// Ctrl-C or Ctrl-\ typed while the program has the terminal (before ssh takes raw mode, at a
// password prompt) reach the whole foreground group: they are the program's, not the console's.
const PASSED_ON: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];
const ignore = () => undefined;

function setRaw(stdin: NodeJS.ReadStream, on: boolean): void {
  try {
    if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(on);
  } catch {
    // stdin closed meanwhile: nothing to set
  }
}

export function foregroundRunner(t: TerminalParts): ForegroundRunner {
  return async (argv) => {
    const [file, ...args] = argv;
    if (!file) return { exitCode: null, error: 'nothing to run' };
    t.ttyIn?.hold();
    setRaw(t.stdin, false);
    if (t.mouse) t.stdout.write(MOUSE_OFF);
    if (t.writer) t.writer.suspend();
    else t.stdout.write(`${SHOW_CURSOR}\n`);
    for (const s of PASSED_ON) process.on(s, ignore);
    try {
      return await new Promise((resolve) => {
        const child = spawn(file, args, { stdio: 'inherit' });
        child.once('error', (err) => resolve({ exitCode: null, error: `${file}: ${err.message}` }));
        child.once('exit', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null) }));
      });
    } finally {
      for (const s of PASSED_ON) process.off(s, ignore);
      setRaw(t.stdin, true);
      if (t.mouse) t.stdout.write(MOUSE_ON);
      t.writer?.resume();
      t.ttyIn?.release();
    }
  };
}

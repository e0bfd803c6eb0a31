
import { render } from 'ink';
import type { FleetStore, Intents } from '../../src/store/index.js';
import { App } from '../App.js';
import type { Theme } from '../theme.js';
import { TtyStdin } from './tty-stdin.js';
import { FrameWriter } from './frame-writer.js';
import { MOUSE_OFF, MOUSE_ON, translateMouse } from './mouse.js';
import { inkStdout } from './ink-stdout.js';
import { notifyOnCritical } from './critical-notify.js';
import type { NotifyMode } from '../../src/model/index.js';
import { foregroundRunner } from './foreground.js';

export interface StartTuiOptions {
  store: FleetStore;
  intents: Intents;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  theme?: Theme;
  /** The screen writer, when the first frame was already drawn through it (src/cli/early-paint.ts). */
  writer?: FrameWriter;
  /** Mouse wheel scrolling (SGR mouse reporting, turned off again whatever ends the UI). */
  mouse?: boolean;
  /** A bell or desktop notification when a host turns critical (default off). */
  notify?: NotifyMode;
}

export interface TuiHandle {
  /** Resolves when the UI has ended (q, Ctrl-C, SIGTERM/SIGHUP or unmount) and the terminal is restored. */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

const SHOW_CURSOR = '\u001b[?25h';

/**
 * Renders the console. Whatever ends it, the terminal is handed back usable: raw mode off, cursor shown.
 * On SIGTERM/SIGHUP the UI unmounts and waitUntilExit resolves (process.exitCode is set to 128+signal);
 * the caller then closes its connections and lets the process end.
 */
export function startTui(opts: StartTuiOptions): TuiHandle {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const mouse = Boolean(opts.mouse && stdin.isTTY && stdout.isTTY);
  const ttyIn = stdin.isTTY ? new TtyStdin(stdin, mouse ? translateMouse : undefined) : undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing to restore
    }
    if (stdout.isTTY && stdout.writable) {
      if (mouse) stdout.write(MOUSE_OFF);
      // Back to the shell's screen, cursor shown: the last bytes the console writes.
      if (writer) writer.close();
      else stdout.write(SHOW_CURSOR);
    }
  };

  // The console paints through its own writer (frame-writer.ts): Ink renders (throttled to maxFps)
  // and writes each whole frame; the adapter takes the frame out of Ink's erase-and-rewrite and only
  // the changed rows reach the terminal. REMLITE_SCREEN=inline keeps Ink's own writer (whole frame
  // each time, in the normal screen) for terminals that lack an alternate screen.
  const writer = opts.writer ?? (stdout.isTTY && process.env['REMLITE_SCREEN'] !== 'inline' ? new FrameWriter(stdout) : undefined);
  const foreground = stdin.isTTY ? foregroundRunner({ stdin, stdout, ttyIn, writer, mouse }) : undefined;
  const instance = render(<App store={opts.store} intents={opts.intents} theme={opts.theme} foreground={foreground} />, {
    stdin: (ttyIn as unknown as NodeJS.ReadStream | undefined) ?? stdin,
    stdout: writer ? inkStdout(stdout, writer) : stdout,
    exitOnCtrlC: true,
    patchConsole: false,
    // Ink renders at most maxFps times a second (default 30: a key pressed just after a poll's frame
    // waited up to 33 ms). Store updates are batched (polls 4/s, logs 10/s), so 60 costs little.
    maxFps: 60,
  });

  if (mouse) stdout.write(MOUSE_ON);
  // Between frames, straight to the terminal: a bell or an OSC string moves no cursor, so the screen writer's picture stays true.
  const stopNotify = notifyOnCritical(opts.store, opts.notify ?? 'off', (bytes) => {
    if (stdout.writable) stdout.write(bytes);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    process.exitCode = signal === 'SIGTERM' ? 143 : 129;
    instance.unmount();
  };
  const onExit = () => restore();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('exit', onExit);

  const done = instance
    .waitUntilExit()
    .catch(() => undefined)
    .then(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('exit', onExit);
      stopNotify();
      ttyIn?.detach();
      restore();
    });

  return {
    waitUntilExit: () => done,
    unmount: () => instance.unmount(),
  };
}

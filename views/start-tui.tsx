import React from 'react';
import { render } from 'ink';
import type { FleetStore, Intents } from '../src/store/index.js';
import { App } from './App.js';
import type { Theme } from './theme.js';
import { PacedStdin } from './paced-stdin.js';
import { MOUSE_OFF, MOUSE_ON, translateMouse } from './mouse.js';

export interface StartTuiOptions {
  store: FleetStore;
  intents: Intents;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  theme?: Theme;
  /** Mouse wheel scrolling (SGR mouse reporting, turned off again whatever ends the UI). */
  mouse?: boolean;
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
  const paced = stdin.isTTY ? new PacedStdin(stdin, mouse ? translateMouse : undefined) : undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing to restore
    }
    if (stdout.isTTY && stdout.writable) stdout.write((mouse ? MOUSE_OFF : '') + SHOW_CURSOR);
  };

  const instance = render(<App store={opts.store} intents={opts.intents} theme={opts.theme} />, {
    stdin: (paced as unknown as NodeJS.ReadStream | undefined) ?? stdin,
    stdout,
    exitOnCtrlC: true,
    patchConsole: false,
    // Ink 6.8's incremental rendering rewrites only changed lines (a j press: ~230 B instead of
    // ~5 KB), but in a real terminal (tmux, test/integration/tui-tmux.test.ts) it leaves stale rows
    // behind when the frame gets shorter. Off by default; REMLITE_INK_INCREMENTAL=1 turns it on.
    incrementalRendering: process.env['REMLITE_INK_INCREMENTAL'] === '1',
    // Ink renders at most maxFps times a second (default 30: a key pressed just after a poll's frame
    // waited up to 33 ms). Store updates are batched (polls 4/s, logs 10/s), so 60 costs little.
    maxFps: 60,
  });

  if (mouse) stdout.write(MOUSE_ON);

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
      paced?.detach();
      restore();
    });

  return {
    waitUntilExit: () => done,
    unmount: () => instance.unmount(),
  };
}

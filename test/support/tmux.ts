import { execFileSync, spawnSync } from 'node:child_process';
import { waitFor } from './wait-for.js';

/** A real terminal for the TUI: a detached tmux session of a given size. */
export class TmuxSession {
  constructor(readonly name: string) {}

  static unavailableReason(): string | undefined {
    return spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux is not installed (apt-get install tmux)';
  }

  static start(name: string, command: string, env: Record<string, string>, cols = 80, rows = 24): TmuxSession {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}';`)
      .join(' ');
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), `${exports} ${command}`]);
    return new TmuxSession(name);
  }

  /** Sends keys one tmux call at a time, as a person types. Names like Enter, Escape, C-c are tmux key names. */
  keys(...keys: string[]): void {
    for (const k of keys) execFileSync('tmux', ['send-keys', '-t', this.name, k]);
  }

  /** Sends literal text. */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  waitScreen(what: string, test: (screen: string) => boolean, limitMs = 30_000): Promise<string> {
    return waitFor(what, () => {
      const s = this.screen();
      return test(s) ? s : undefined;
    }, limitMs, 100);
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}

/**
 * The bundled console (what `npm start` runs) in a tmux session over the lab's inventory, polling
 * every second, with its state, config and HOME in `dir`; `then` runs in the session after it exits.
 */
export function tmuxLabConsole(name: string, inventoryPath: string, dir: string, then = 'sleep 120'): TmuxSession {
  const main = `${process.cwd()}/dist/bundle/remlite.cjs`;
  return TmuxSession.start(name, `${process.execPath} ${main} --inventory ${inventoryPath} --no-ssh-config --no-local --interval 1; ${then}`, {
    REMLITE_STATE_DIR: `${dir}/state`,
    REMLITE_CONFIG_DIR: `${dir}/config`,
    HOME: dir,
    TERM: 'xterm-256color',
  });
}

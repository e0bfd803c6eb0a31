// The console's own screen writer. Ink (in its debug mode) hands over every frame as plain text; this
// writer keeps the last painted screen and sends only the rows that changed, each placed with an
// absolute cursor position on the alternate screen. Why not Ink's writers: the standard one erases and
// rewrites the whole frame (~5 KB a keypress at 120x40, slow over SSH) and 6.8's incremental one
// drifts a row per frame in a real terminal (seen in tmux).

const ESC = '\u001b[';
export const ENTER_ALT_SCREEN = `${ESC}?1049h${ESC}2J${ESC}H`;
export const LEAVE_ALT_SCREEN = `${ESC}?1049l`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
// Synchronized update (DEC 2026): terminals that know it show the frame at once; others ignore it.
const BEGIN_SYNC = `${ESC}?2026h`;
const END_SYNC = `${ESC}?2026l`;
const RESET_AND_ERASE_EOL = `${ESC}0m${ESC}K`;

/** What the writer needs of the real terminal. */
export interface TerminalOut {
  readonly columns: number;
  readonly rows: number;
  write(data: string): unknown;
  on(event: 'resize', fn: () => void): unknown;
  off(event: 'resize', fn: () => void): unknown;
}

export interface FrameWriterOptions {
  /**
   * Fewest milliseconds between two paints; a frame arriving sooner is painted at the end of the gap
   * (latest wins). Default 0: Ink already renders at most maxFps times a second, and a second
   * throttle here would only delay the frame of a keypress.
   */
  minIntervalMs?: number;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

/** The escape sequences that turn the `previous` rows into the `next` ones (rows 1-based from the top). */
export function diffRows(previous: readonly string[], next: readonly string[]): string {
  let out = '';
  const n = Math.max(previous.length, next.length);
  for (let i = 0; i < n; i++) {
    const line = next[i];
    if (line === previous[i]) continue;
    out += `${ESC}${i + 1};1H${line ?? ''}${RESET_AND_ERASE_EOL}`;
  }
  return out;
}

export class FrameWriter {
  private painted: string[] = [];
  private pending: string | undefined;
  private lastPaintAt = -Infinity;
  private timer: { cancel(): void } | undefined;
  private repaintAll = true;
  private started = false;
  private closed = false;
  /** Another program has the terminal (an interactive shell): frames wait, nothing is painted. */
  private suspended = false;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly schedule: NonNullable<FrameWriterOptions['schedule']>;
  /** Bytes sent to the terminal by paints (for the benchmark). */
  bytesWritten = 0;
  paints = 0;

  constructor(
    private readonly out: TerminalOut,
    opts: FrameWriterOptions = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? 0;
    this.now = opts.now ?? (() => performance.now());
    this.schedule =
      opts.schedule ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      });
    out.on('resize', this.onResize);
  }

  /** Takes over the screen: alternate screen, cursor hidden. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.send(ENTER_ALT_SCREEN + HIDE_CURSOR);
  }

  /** Hands the terminal to another program: back to the main screen, cursor shown; frames wait. */
  suspend(): void {
    if (this.suspended || this.closed) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.suspended = true;
    if (this.started) this.out.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
  }

  /** Takes the terminal back: the alternate screen again, repainted whole with the latest frame. */
  resume(): void {
    if (!this.suspended || this.closed) return;
    this.suspended = false;
    if (this.started) this.out.write(ENTER_ALT_SCREEN + HIDE_CURSOR);
    this.repaintAll = true;
    this.pending ??= this.painted.join('\n');
    this.flush();
  }

  /** A whole frame as text, rows separated by newlines. */
  frame(text: string): void {
    if (this.closed) return;
    this.pending = text;
    if (this.timer || this.suspended) return;
    // No throttle, no clock: the first frame is drawn before node's performance timer is loaded.
    const wait = this.minIntervalMs > 0 ? this.lastPaintAt + this.minIntervalMs - this.now() : 0;
    if (wait <= 0) this.flush();
    else this.timer = this.schedule(() => this.flush(), wait);
  }

  /** Paints the frame waiting, if any. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.suspended) return;
    const text = this.pending;
    this.pending = undefined;
    if (text === undefined || this.closed) return;
    this.start();
    const rows = text.split('\n').slice(0, Math.max(1, this.out.rows));
    const clear = this.repaintAll ? `${ESC}2J` : '';
    const previous = this.repaintAll ? [] : this.painted;
    this.repaintAll = false;
    const body = diffRows(previous, rows);
    this.painted = rows;
    if (this.minIntervalMs > 0) this.lastPaintAt = this.now();
    if (!clear && !body) return;
    this.paints++;
    this.send(BEGIN_SYNC + clear + body + END_SYNC);
  }

  /** Paints what is pending, then gives the terminal back: main screen, cursor shown. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.out.off('resize', this.onResize);
    if (this.started) this.out.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
  }

  private readonly onResize = (): void => {
    this.repaintAll = true;
  };

  private send(data: string): void {
    this.bytesWritten += Buffer.byteLength(data);
    this.out.write(data);
  }
}

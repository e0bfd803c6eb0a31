import { Readable } from 'node:stream';

/**
 * Escape as the kitty keyboard protocol spells it. Ink holds a lone ESC back for a moment (it may
 * start a sequence) and reads whatever comes next with it: Escape then q, read one after the other,
 * would become Alt-q. An ESC the terminal sent by itself is the Escape key; this spelling is read
 * as Escape at once.
 */
const ESCAPE_KEY = '\u001b[27u';

/**
 * The terminal as Ink reads it: input is handed over as it arrives (mouse reports rewritten into
 * arrow keys first). Keys typed ahead are ordered by the app's key dispatcher (key-dispatch.tsx),
 * which hands each to the screen that is current once the previous key's changes have committed.
 */
export class TtyStdin extends Readable {
  readonly isTTY: boolean;
  private readonly onData = (data: Buffer | string) => {
    const raw = typeof data === 'string' ? data : data.toString('utf8');
    const text = this.translate ? this.translate(raw) : raw;
    this.push(text === '\u001b' ? ESCAPE_KEY : text);
  };

  /** `translate` rewrites raw input before Ink reads it (mouse reports into arrow keys). */
  constructor(
    private readonly source: NodeJS.ReadStream,
    private readonly translate?: (input: string) => string,
  ) {
    super({ encoding: 'utf8' });
    this.isTTY = Boolean(source.isTTY);
    source.on('data', this.onData);
  }

  setRawMode(mode: boolean): this {
    if (typeof this.source.setRawMode === 'function') this.source.setRawMode(mode);
    return this;
  }

  ref(): this {
    this.source.ref();
    return this;
  }

  unref(): this {
    this.source.unref();
    return this;
  }

  /** Stops reading the terminal while another program reads it (an interactive shell). */
  hold(): void {
    this.source.off('data', this.onData);
    this.source.pause();
  }

  /** Reads the terminal again after hold(). */
  release(): void {
    this.source.on('data', this.onData);
    this.source.resume();
  }

  detach(): void {
    this.source.off('data', this.onData);
    this.source.pause();
  }

  override _read(): void {
    // Input is pushed as it arrives (onData).
  }
}

import { Readable } from 'node:stream';

const KEY_GAP_MS = 8;

/**
 * Splits typed text into single keys (escape sequences kept whole) so that "j" then Enter typed
 * ahead over a slow link arrives as a chunk "j\r" and still means move-then-open.
 */
export function splitKeys(chunk: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    const esc = chunk.indexOf('\u001b', i);
    const end = esc === -1 ? chunk.length : esc;
    for (const ch of chunk.slice(i, end)) keys.push(ch);
    if (esc === -1) break;
    // Ink parses escape sequences itself; hand it everything up to the next plain key run.
    const m = /^\u001b(\[[0-?]*[ -/]*[@-~]|O.|\u001b?.?)/su.exec(chunk.slice(esc));
    const len = m ? m[0].length : 1;
    keys.push(chunk.slice(esc, esc + len));
    i = esc + len;
  }
  return keys;
}

/**
 * A stdin for Ink that hands over one key per turn of the event loop, so React re-renders between
 * keys and each key is handled by the screen it lands on. Nothing typed is dropped.
 */
export class PacedStdin extends Readable {
  readonly isTTY: boolean;
  private queue: string[] = [];
  private scheduled = false;
  private lastPush = 0;
  private readonly onData = (data: Buffer | string) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    this.queue.push(...splitKeys(this.translate ? this.translate(text) : text));
    this.schedule();
  };

  /** `translate` rewrites raw input before it is split into keys (mouse reports into arrow keys). */
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

  detach(): void {
    this.source.off('data', this.onData);
    this.source.pause();
  }

  override _read(): void {
    // Keys are pushed as they arrive (see schedule).
  }

  /**
   * The first key goes at once; keys typed ahead follow KEY_GAP_MS apart. A key can change which
   * component listens (Enter opens a host, / opens the filter), and the new listener subscribes in a
   * passive effect after the render: one turn of the event loop is not always enough for that.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const gap = Date.now() - this.lastPush >= KEY_GAP_MS ? 0 : KEY_GAP_MS;
    setTimeout(() => {
      this.scheduled = false;
      const key = this.queue.shift();
      if (key !== undefined) {
        this.lastPush = Date.now();
        this.push(key);
      }
      if (this.queue.length) this.schedule();
    }, gap);
  }
}

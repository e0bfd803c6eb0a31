import { Readable } from 'node:stream';

/**
 * The terminal as Ink reads it: input is handed over as it arrives (mouse reports rewritten into
 * arrow keys first). Keys typed ahead are ordered by the app's key dispatcher (key-dispatch.tsx),
 * which hands each to the screen that is current once the previous key's changes have committed.
 */
export class TtyStdin extends Readable {
  readonly isTTY: boolean;
  private readonly onData = (data: Buffer | string) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    this.push(this.translate ? this.translate(text) : text);
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

  detach(): void {
    this.source.off('data', this.onData);
    this.source.pause();
  }

  override _read(): void {
    // Input is pushed as it arrives (onData).
  }
}

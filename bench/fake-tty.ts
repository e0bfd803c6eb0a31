import { Readable, Writable } from 'node:stream';

/** A frame: the writes Ink made in one turn of the event loop. */
export interface Frame {
  at: number;
  bytes: number;
  text: string;
}

const CURSOR_TO = /\u001b\[\d*;\d*H/g;
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[=>]/g;

/** A terminal for Ink that records every frame written to it (time, bytes, text without escapes). */
export class FakeTtyOut extends Writable {
  readonly isTTY = true;
  columns: number;
  rows: number;
  frames: Frame[] = [];
  totalBytes = 0;
  private open: Frame | undefined;
  onFrame: ((f: Frame) => void) | undefined;
  private readonly watches: { re: RegExp; last?: string }[] = [];

  constructor(columns = 120, rows = 40) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const bytes = Buffer.byteLength(s);
    this.totalBytes += bytes;
    if (!this.open) {
      const f: Frame = { at: performance.now(), bytes: 0, text: '' };
      this.open = f;
      setImmediate(() => {
        this.open = undefined;
        this.frames.push(f);
        // Keep the text of recent frames only: the recorder must not be what grows.
        const old = this.frames[this.frames.length - 200];
        if (old) old.text = '';
        if (this.frames.length > 20_000) this.frames.splice(0, 10_000);
        for (const w of this.watches) {
          const m = w.re.exec(f.text);
          if (m) w.last = m[1];
        }
        this.onFrame?.(f);
      });
    }
    this.open.bytes += bytes;
    // A cursor placement starts another row: keep rows apart so their text does not run together.
    this.open.text += s.replace(CURSOR_TO, '\n').replace(ANSI, '');
    cb();
  }

  /**
   * The first group of `re` in the newest frame that matched it. Frames carry only the rows that changed,
   * so a row's latest value may be far back; old frame texts are dropped, this is kept.
   */
  watch(re: RegExp): () => string | undefined {
    const w: { re: RegExp; last?: string } = { re };
    this.watches.push(w);
    return () => w.last;
  }

  getColorDepth(): number {
    return 8;
  }

  hasColors(): boolean {
    return true;
  }
}

/** A keyboard for Ink: raw mode is a no-op, keys are pushed with press(). */
export class FakeTtyIn extends Readable {
  readonly isTTY = true;
  isRaw = false;
  constructor() {
    super({ encoding: 'utf8' });
  }
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  override _read(): void {}
  press(keys: string): void {
    this.push(keys);
  }
}

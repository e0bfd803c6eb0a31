import { StringDecoder } from 'node:string_decoder';

/** Longest line a stream hands over, in characters; the rest of a longer line is dropped. */
export const MAX_LINE_CHARS = 16 * 1024;

/** What replaces the dropped rest of an overlong line. */
export const lineCutMarker = (maxLineChars: number): string => ` … [line cut at ${maxLineChars} characters]`;

/**
 * Turns a byte stream into complete lines. UTF-8 sequences split across chunks are kept whole;
 * invalid bytes become U+FFFD; a line longer than `maxLineChars` is handed over as its first
 * `maxLineChars` characters and a marker as soon as it is that long, and the rest of it (up to the
 * next newline) is dropped, so memory stays bounded whatever the stream sends.
 * Text is passed through otherwise raw: sanitizing for display is the caller's job.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** Inside the dropped rest of a line already handed over cut. */
  private skipping = false;

  constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

  /** Complete lines in this chunk (without their "\n" or "\r\n"). */
  push(chunk: Buffer): string[] {
    const text = this.decoder.write(chunk);
    const lines: string[] = [];
    let at = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', at)) {
      if (this.skipping) this.skipping = false;
      else lines.push(this.cut(stripCr(this.partial + text.slice(at, nl))));
      this.partial = '';
      at = nl + 1;
    }
    if (!this.skipping && at < text.length) {
      this.partial += text.slice(at);
      if (this.partial.length > this.maxLineChars) {
        lines.push(this.cut(this.partial));
        this.partial = '';
        this.skipping = true;
      }
    }
    return lines;
  }

  /** The unterminated tail, if any, once the stream has ended. */
  flush(): string[] {
    const rest = this.skipping ? '' : this.partial + this.decoder.end();
    this.partial = '';
    this.skipping = false;
    return rest === '' ? [] : [this.cut(stripCr(rest))];
  }

  private cut(line: string): string {
    return line.length > this.maxLineChars ? line.slice(0, this.maxLineChars) + lineCutMarker(this.maxLineChars) : line;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Collects output up to a byte cap; the rest is counted but dropped. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly capBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.capBytes - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (piece.length < chunk.length) this.truncated = true;
    this.chunks.push(piece);
    this.kept += piece.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

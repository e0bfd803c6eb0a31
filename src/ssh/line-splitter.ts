import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream into complete lines. UTF-8 sequences split across chunks are kept whole;
 * invalid bytes become U+FFFD; a line longer than `maxLineChars` is cut so memory stays bounded.
 * Text is passed through otherwise raw: sanitizing for display is the caller's job.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxLineChars = 64 * 1024) {}

  /** Complete lines in this chunk (without their "\n" or "\r\n"). */
  push(chunk: Buffer): string[] {
    this.partial += this.decoder.write(chunk);
    const parts = this.partial.split('\n');
    this.partial = parts.pop() ?? '';
    const lines = parts.map(stripCr);
    while (this.partial.length > this.maxLineChars) {
      lines.push(this.partial.slice(0, this.maxLineChars));
      this.partial = this.partial.slice(this.maxLineChars);
    }
    return lines;
  }

  /** The unterminated tail, if any, once the stream has ended. */
  flush(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? [] : [stripCr(rest)];
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

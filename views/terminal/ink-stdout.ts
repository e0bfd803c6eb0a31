// The terminal as Ink writes to it when the console paints through its own screen writer: Ink keeps
// its size and resize events from the real terminal, and each frame it writes goes to the FrameWriter
// with Ink's own erasing and cursor moves taken off. What Ink writes around a frame differs between
// Ink versions: this is the place to look after an upgrade.
import type { FrameWriter } from './frame-writer.js';

// What Ink 6 writes around a frame: erasing the previous one (erase line, cursor up, cursor to
// column 1), clearing the terminal, synchronized-update marks, hiding/showing the cursor.
const INK_CONTROL = /^(?:\u001b\[(?:2K|1A|G|2J|3J|H|\?2026[hl]|\?25[hl]))+/;

/** The frame in one of Ink's writes, or undefined when the write only moves or erases. Exported for its test. */
function inkFrame(chunk: string): string | undefined {
  const text = chunk.replace(INK_CONTROL, '');
  if (text === '') return undefined;
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The terminal as Ink sees it: its size and resize events are the real ones, frames go to the writer. */
export function inkStdout(real: NodeJS.WriteStream, writer: FrameWriter): NodeJS.WriteStream {
  const adapter = {
    isTTY: true,
    get columns() {
      return real.columns;
    },
    get rows() {
      return real.rows;
    },
    get writable() {
      return real.writable;
    },
    get destroyed() {
      return real.destroyed;
    },
    get writableEnded() {
      return real.writableEnded;
    },
    write(chunk: string | Uint8Array) {
      const frame = inkFrame(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      if (frame !== undefined) writer.frame(frame);
      return true;
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      real.on(event, fn);
      return adapter;
    },
    off(event: string, fn: (...args: unknown[]) => void) {
      real.off(event, fn);
      return adapter;
    },
    getColorDepth: () => (typeof real.getColorDepth === 'function' ? real.getColorDepth() : 8),
    hasColors: (...args: unknown[]) => (typeof real.hasColors === 'function' ? real.hasColors(...(args as [number])) : true),
  };
  return adapter as unknown as NodeJS.WriteStream;
}

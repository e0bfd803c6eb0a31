// A terminal for tests of the real startTui: a TTY-like stdin/stdout pair, and a small screen model
// that applies what the console writes (cursor placement, text, erase to end of line, clear screen).
import { PassThrough } from 'node:stream';

export function fakeTty(columns = 80, rows = 24) {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream & { rawModes: boolean[] };
  stdin.isTTY = true;
  stdin.rawModes = [];
  stdin.setRawMode = (mode: boolean) => {
    stdin.rawModes.push(mode);
    return stdin;
  };
  stdin.ref = () => stdin;
  stdin.unref = () => stdin;
  const out = new PassThrough() as unknown as NodeJS.WriteStream;
  out.isTTY = true;
  out.columns = columns;
  out.rows = rows;
  let written = '';
  out.on('data', (c: Buffer) => (written += c.toString()));
  return { stdin, stdout: out, written: () => written };
}

/** The screen after `output` (rows of plain text; colours and other modes are dropped). */
export function screenOf(output: string, rows: number): string[] {
  let grid: string[] = Array.from({ length: rows }, () => '');
  let row = 0;
  let col = 0;
  const re = /\u001b\[(\d+);1H|\u001b\[2J|\u001b\[K|\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|([^\u001b]+)/g;
  for (const m of output.matchAll(re)) {
    if (m[1]) {
      row = Number(m[1]) - 1;
      col = 0;
    } else if (m[0] === '\u001b[2J') grid = grid.map(() => '');
    else if (m[0] === '\u001b[K') grid[row] = grid[row]!.slice(0, col);
    else if (m[2] !== undefined) {
      const line = grid[row]!.padEnd(col);
      grid[row] = line.slice(0, col) + m[2] + line.slice(col + m[2].length);
      col += m[2].length;
    }
  }
  return grid;
}

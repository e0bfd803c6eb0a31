// node dist/tools/ansi-svg-main.js [--cols 80] [--rows 24] [--title TEXT] < capture.ansi > shot.svg
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ansiToSvg } from './ansi-svg.js';

const { values } = parseArgs({
  options: {
    cols: { type: 'string', default: '80' },
    rows: { type: 'string', default: '24' },
    title: { type: 'string' },
  },
});
const cols = Number(values.cols);
const rows = Number(values.rows);
if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
  console.error('ansi-svg: --cols and --rows take positive whole numbers');
  process.exit(2);
}
const svg = ansiToSvg(readFileSync(0, 'utf8'), { cols, rows, ...(values.title ? { title: values.title } : {}) });
process.stdout.write(svg);

// Ink's Output (the screen composed each frame) is swapped for views/terminal/ink-patches/output.ts, which
// keeps tokenized lines across frames and takes fast paths for plain ASCII: it must compose exactly
// the screen Ink's original does, for styled, wide, clipped and transformed text alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import Output, { CACHE_MAX_WEIGHT, cacheWeight } from '../../views/terminal/ink-patches/output.js';

type Op = ['write', number, number, string, ((l: string, i: number) => string)[]] | ['clip', { x1?: number; x2?: number; y1?: number; y2?: number }] | ['unclip'];
const Original = (await import(pathToFileURL(path.resolve('node_modules/ink/build/output.js')).href)).default as typeof Output;

function compose(Cls: typeof Output, width: number, height: number, ops: Op[]): { output: string; height: number } {
  const o = new Cls({ width, height });
  for (const op of ops) {
    if (op[0] === 'write') o.write(op[1], op[2], op[3], { transformers: op[4] });
    else if (op[0] === 'clip') o.clip({ x1: op[1].x1, x2: op[1].x2, y1: op[1].y1, y2: op[1].y2 });
    else o.unclip();
  }
  return o.get();
}

const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
const bold = (s: string) => `\u001b[1m${s}\u001b[22m`;
const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
const inverse = (s: string) => `\u001b[7m${s}\u001b[27m`;
const upper = (l: string) => l.toUpperCase();
const boxed = (l: string, i: number) => `${i}|${red(l)}`;

const PIECES = ['plain text', 'a', '', 'two\nlines', red('red'), bold(red('bold red')) + ' after', dim(bold('dim+bold')), inverse('sel') + 'x', 'wide 漢字 here', '😀 emoji', red('漢') + 'z', 'tab\tend', 'x'.repeat(130), '  padded  ', 'line ' + inverse('match') + ' rest'];

test('the patched Output composes what Ink\'s composes: fixed cases', () => {
  const cases: [number, number, Op[]][] = [
    [20, 3, [['write', 0, 0, 'hello', []]]],
    [20, 3, [['write', 2, 1, red('red') + ' plain ' + bold('bold'), []]]],
    [10, 2, [['write', 0, 0, 'wide 漢字 chars overflow', []]]],
    [20, 4, [['clip', { x1: 2, x2: 8, y1: 1, y2: 3 }], ['write', 0, 0, 'abcdefghijkl\nmnopqrstuvwx\nyz0123456789\nlast line', []], ['unclip'], ['write', 0, 3, 'after', []]]],
    [20, 4, [['clip', { x1: 2, x2: 8 }], ['write', 0, 0, red('abcdefghijkl') + '\n漢字漢字漢字', []], ['unclip']]],
    [20, 4, [['clip', { y1: 5, y2: 9 }], ['write', 0, 0, 'outside', []], ['unclip']]],
    [20, 3, [['write', 0, 0, 'aaa\nbbb', [upper, boxed]]]],
    [20, 2, [['write', 0, 0, 'background row', []], ['write', 3, 0, inverse('over'), []]]],
    [5, 5, [['write', 0, 0, 'a\nb\nc\nd\ne\nf\ng', []]]],
  ];
  for (const [w, h, ops] of cases) assert.deepEqual(compose(Output, w, h, ops), compose(Original, w, h, ops), JSON.stringify(ops));
});

test('the patched Output composes what Ink\'s composes: 500 random screens (same seed every run)', () => {
  let seed = 13;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let k = 0; k < 500; k++) {
    const width = 1 + rnd(60);
    const height = 1 + rnd(8);
    const ops: Op[] = [];
    let open = 0;
    for (let i = 0, n = 1 + rnd(8); i < n; i++) {
      const r = rnd(10);
      if (r === 0) {
        ops.push(['clip', rnd(2) ? { x1: rnd(10), x2: 5 + rnd(40), y1: rnd(3), y2: 1 + rnd(8) } : { x1: rnd(10), x2: 5 + rnd(40) }]);
        open++;
      } else if (r === 1 && open > 0) {
        ops.push(['unclip']);
        open--;
      } else {
        const text = [PIECES[rnd(PIECES.length)]!, PIECES[rnd(PIECES.length)]!].join(rnd(3) ? '' : '\n');
        ops.push(['write', rnd(width + 3), rnd(height + 1), text, rnd(4) ? [] : [upper]]);
      }
    }
    assert.deepEqual(compose(Output, width, height, ops), compose(Original, width, height, ops), JSON.stringify(ops));
  }
});

test('the caches kept across frames stay bounded in characters under a streaming log, styled or plain', () => {
  for (let i = 0; i < 30_000; i++) {
    compose(Output, 120, 2, [['write', 0, 0, `line ${i} of a streaming log ${red(String(i))} ${'x'.repeat(60)}\nplain line ${i} ${'y'.repeat(90)}`, []]]);
    assert.ok(cacheWeight() <= 3 * CACHE_MAX_WEIGHT, `${cacheWeight()} characters held`);
  }
  assert.ok(CACHE_MAX_WEIGHT <= 200_000);
});

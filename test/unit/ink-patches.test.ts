// Ink's measure-text and wrap-text modules are swapped for copies with bounded caches: the swap
// happens for Ink's own imports only, and the copies answer as Ink's originals do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { resolveSync } from '../../views/terminal/lean-imports-hooks.js';
import measureText, { cacheSize as measureCacheSize } from '../../views/terminal/ink-patches/measure-text.js';
import wrapText, { cacheSize as wrapCacheSize } from '../../views/terminal/ink-patches/wrap-text.js';

const inkBuild = pathToFileURL(path.resolve('node_modules/ink/build/dom.js')).href;
const next = (specifier: string, context: { parentURL?: string }) => ({ url: new URL(specifier, context.parentURL).href });

test('Ink\'s imports of measure-text, wrap-text and output resolve to the bounded copies; nobody else\'s do', () => {
  for (const name of ['measure-text', 'wrap-text', 'output']) {
    const r = resolveSync(`./${name}.js`, { parentURL: inkBuild }, next);
    assert.match(r.url, new RegExp(`/dist/views/terminal/ink-patches/${name}\\.js$`));
    const mine = pathToFileURL(path.resolve('dist/views/x.js')).href;
    assert.equal(resolveSync(`./${name}.js`, { parentURL: mine }, next).url, new URL(`./${name}.js`, mine).href);
  }
  assert.equal(resolveSync('./renderer.js', { parentURL: inkBuild }, next).url, new URL('./renderer.js', inkBuild).href);
});

test('the copies answer as Ink\'s originals do', async () => {
  const original = {
    measure: (await import(pathToFileURL(path.resolve('node_modules/ink/build/measure-text.js')).href)).default as typeof measureText,
    wrap: (await import(pathToFileURL(path.resolve('node_modules/ink/build/wrap-text.js')).href)).default as typeof wrapText,
  };
  const texts = ['', 'plain', 'two\nlines here', '\u001b[31mred\u001b[39m text', 'wide 漢字 chars', 'a'.repeat(130)];
  for (const t of texts) {
    assert.deepEqual(measureText(t), original.measure(t), JSON.stringify(t));
    for (const mode of ['wrap', 'truncate-end', 'truncate-middle', 'truncate-start', 'end'])
      for (const width of [1, 5, 40]) assert.equal(wrapText(t, width, mode), original.wrap(t, width, mode), `${JSON.stringify(t)} ${mode} ${width}`);
  }
});

test('the caches stay bounded: 30,000 distinct texts later they hold at most 10,000, and answers are still right', () => {
  for (let i = 0; i < 30_000; i++) measureText(`line ${i} of a streaming log`);
  for (let i = 0; i < 30_000; i++) wrapText(`line ${i} of a streaming log`, 20, 'truncate-end');
  assert.ok(measureCacheSize() <= 10_000 && wrapCacheSize() <= 10_000, `${measureCacheSize()} / ${wrapCacheSize()} entries`);
  assert.deepEqual(measureText('line 5 of a streaming log'), { width: 25, height: 1 });
  assert.equal(wrapText('line 29999 of a streaming log', 10, 'truncate-end'), 'line 2999…');
});

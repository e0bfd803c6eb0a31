#!/usr/bin/env node
'use strict';
// `remlite` as installed and as `npm start` runs it (scripts/bundle.mjs writes this file as
// dist/bundle/remlite.cjs): runs the start (start.cjs beside it: the arguments and the first frame)
// with the V8 code cache the build made for it, so node does not parse and compile its 56 KB again
// at every start (about 4 ms of the first frame here). V8 refuses a cache made by another node or
// under other V8 flags; the start is then compiled as usual. REMLITE_STARTUP_TRACE=1 says which.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const file = path.join(__dirname, 'start.cjs');
let cachedData;
try {
  cachedData = readFileSync(`${file}.v8cache`);
} catch {
  cachedData = undefined;
}
// The same text as scripts/bundle.mjs compiles for the cache (V8 checks its length): keep both alike.
const script = new Script(`(function (exports, require, module, __filename, __dirname, __remliteImport) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
if (process.env.REMLITE_STARTUP_TRACE === '1') {
  const said = `remlite-startup code-cache ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'refused' : 'used'}\n`;
  // At exit, not now: opening stderr before the first frame cost that frame about 0.6 ms in the bench.
  process.once('exit', () => process.stderr.write(said));
}
const start = { exports: {} };
// The start's dynamic imports (the rest of remlite, as ES modules beside it), made from this file:
// one compiled by vm would need an experimental loader option that warns on every start.
const importBeside = (specifier) => import(pathToFileURL(path.join(__dirname, specifier)).href);
// The build's training start (scripts/train-code-cache.mjs) takes the code cache as the start leaves
// it at exit: with every function its first frame compiled, not only the top level. A new file only.
const cacheOut = process.env.REMLITE_CODE_CACHE_OUT;
if (cacheOut) {
  delete process.env.REMLITE_CODE_CACHE_OUT;
  process.once('exit', () => require('node:fs').writeFileSync(cacheOut, script.createCachedData(), { flag: 'wx' }));
}
script.runInThisContext()(start.exports, require, start, file, __dirname, importBeside);

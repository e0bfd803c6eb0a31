// Bundles tsc's output into dist/bundle, in two parts (types stay tsc's job; the AWS SDK and ssh2
// stay in node_modules, loaded on demand / native code):
// - start.cjs, the start: src/cli/main.js and everything it imports statically, up to the first
//   frame, in one CommonJS file. Node then runs it without its ESM loader (about a dozen built-in
//   modules compiled at start) and without resolving and linking one file per module. remlite.cjs
//   (scripts/start-loader.cjs) runs it with start.cjs.v8cache, the V8 code cache made here.
// - the rest as ESM with shared chunks: each module the start imports dynamically (the commands,
//   the detectors for an old cache, theme files) is an entry, `<its path under dist, dashed>.mjs`,
//   loaded when reached. Resolving several hundred small modules (Ink and its dependencies) one by
//   one is what the chunks spare.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { loaderSource, trainCodeCache } from './train-code-cache.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Ink modules replaced by our copies with bounded caches (views/terminal/ink-patches; the same swap as
// views/terminal/lean-imports-hooks.ts does for tsc's output).
const inkPatches = {
  name: 'ink-patches',
  setup(b) {
    b.onResolve({ filter: /^\.\/(measure-text|wrap-text|output)\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}ink${path.sep}build${path.sep}`)
        ? { path: path.resolve('dist/views/terminal/ink-patches', args.path.slice(2)) }
        : undefined,
    );
  },
};

rmSync('dist/bundle', { recursive: true, force: true });
const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*', 'ssh2', 'cpu-features', 'react-devtools-core'],
  // React and Ink pick their production builds from NODE_ENV: only those are bundled.
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.REMLITE_BUNDLED_VERSION': JSON.stringify(pkg.version) },
  logOverride: { 'assign-to-define': 'silent' },
  minify: !process.env.BUNDLE_NO_MINIFY,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

// The start's dynamic imports: each becomes an external import of the ESM entry built below.
const lazy = new Map();
const lazyEntries = {
  name: 'lazy-entries',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const file = path.resolve(args.resolveDir, args.path);
      const name = path.relative('dist', file).replace(/\.js$/, '').replaceAll(path.sep, '-');
      lazy.set(name, file);
      return { path: `./${name}.mjs`, external: true };
    });
  },
};
const start = await build({
  ...shared,
  entryPoints: { start: 'dist/src/cli/main.js' },
  outdir: 'dist/bundle',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  plugins: [lazyEntries],
});
// The start runs inside the loader's function (scripts/start-loader.cjs): its #! line goes (the
// loader has it), and its imports of the ESM entries are made by the loader (`__remliteImport`).
const startFile = 'dist/bundle/start.cjs';
const startCode = readFileSync(startFile, 'utf8')
  .replace(/^#!.*\n/, '')
  .replace(/\bimport\(("\.\/[\w.-]+\.mjs")\)/g, (_, specifier) => `__remliteImport(${specifier})`);
if (/\bimport\(/.test(startCode)) throw new Error(`${startFile}: an import() the loader does not make (only "./<entry>.mjs" are)`);
writeFileSync(startFile, startCode);
// Compiled as the loader compiles it (the same text: V8 checks its length), before it ever ran:
// the cache holds the top level and what V8 compiles eagerly with it.
writeFileSync(`${startFile}.v8cache`, new Script(loaderSource(startCode), { filename: path.resolve(startFile) }).createCachedData());
copyFileSync('scripts/start-loader.cjs', 'dist/bundle/remlite.cjs');
chmodSync('dist/bundle/remlite.cjs', 0o755);
const rest = await build({
  ...shared,
  // The Prometheus provider's worker thread is its own entry (providers/prometheus/query-worker.ts finds it).
  entryPoints: { ...Object.fromEntries(lazy), 'prometheus-worker': 'dist/providers/prometheus/refresh-worker.js' },
  outdir: 'dist/bundle',
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __remliteRequire } from 'node:module'; const require = __remliteRequire(import.meta.url);" },
  plugins: [inkPatches],
});
if (process.env.BUNDLE_VERBOSE) {
  const outputs = { ...start.metafile.outputs, ...rest.metafile.outputs };
  console.log(Object.entries(outputs).map(([f, o]) => `${f} ${(o.bytes / 1024).toFixed(0)} KiB`).join('\n'));
}
// Then the start runs once to its first frame, and its cache holds the functions that frame compiled.
const untrained = await trainCodeCache(process.cwd(), path.resolve('dist/bundle'));
if (untrained) process.stderr.write(`remlite build: the start's code cache holds its top level only: ${untrained}\n`);

// Bundles the console's start path into dist/bundle (one file plus lazily loaded chunks): Node's ESM
// loader resolving and compiling several hundred small modules (Ink and its dependencies) is most
// of the start-up time on a 2-core machine. Run after tsc; it bundles tsc's output, so types stay
// tsc's job. The AWS SDK and ssh2 stay in node_modules (loaded on demand / native code).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

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
await build({
  // The Prometheus provider's worker thread is its own entry (providers/prometheus/query-worker.ts finds it).
  entryPoints: { remlite: 'dist/src/cli/main.js', 'prometheus-worker': 'dist/providers/prometheus/refresh-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@aws-sdk/*', 'ssh2', 'cpu-features', 'react-devtools-core'],
  // React and Ink pick their production builds from NODE_ENV: only those are bundled.
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.REMLITE_BUNDLED_VERSION': JSON.stringify(pkg.version) },
  logOverride: { 'assign-to-define': 'silent' },
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __remliteRequire } from 'node:module'; const require = __remliteRequire(import.meta.url);" },
  minify: !process.env.BUNDLE_NO_MINIFY,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [inkPatches],
}).then((r) => {
  const out = Object.entries(r.metafile.outputs).map(([f, o]) => `${f} ${(o.bytes / 1024).toFixed(0)} KiB`);
  if (process.env.BUNDLE_VERBOSE) console.log(out.join('\n'));
});

// What dist/ was built from: a hash of every build input (the folders tsc compiles, tsconfig, the
// package files, the bundler script), written by scripts/build.mjs once a build succeeds. Content,
// not mtimes: a fresh clone or a `touch` changes every mtime and nothing the build reads.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SOURCE_DIRS = ['src', 'views', 'providers', 'test', 'bench', 'tools'];
export const SOURCE_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle.mjs', 'scripts/train-code-cache.mjs', 'scripts/start-loader.cjs', 'scripts/build.mjs', 'scripts/build-stamp.mjs'];
export const STAMP = 'dist/.build-stamp.json';
export const OUTPUTS = ['dist/bundle/remlite.cjs', 'dist/bundle/start.cjs', 'dist/src/cli/main.js'];

function walk(root, rel, out) {
  let entries;
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, child, out);
    else if (e.isFile()) out.push(child);
  }
  return out;
}

/** The build inputs under `root`, relative paths in a stable order. */
export function buildInputs(root) {
  const files = SOURCE_DIRS.flatMap((d) => walk(root, d, []));
  for (const f of SOURCE_FILES) if (existsSync(path.join(root, f))) files.push(f);
  return files.sort();
}

/** One hash over every input's path and content. */
export function sourceFingerprint(root) {
  const h = createHash('sha256');
  for (const f of buildInputs(root)) {
    const body = readFileSync(path.join(root, f));
    h.update(`${f}\0${body.length}\0`);
    h.update(body);
  }
  return h.digest('hex');
}

export function readStamp(root) {
  try {
    const s = JSON.parse(readFileSync(path.join(root, STAMP), 'utf8'));
    return typeof s?.fingerprint === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeStamp(root, fingerprint) {
  writeFileSync(path.join(root, STAMP), JSON.stringify({ fingerprint, node: process.version }) + '\n');
}

/** Why dist/ must be rebuilt, or undefined when it was built from exactly these sources. */
export function staleReason({ stamp, fingerprint, outputsPresent, node }) {
  if (!outputsPresent) return 'no build output';
  if (!stamp) return 'no build stamp';
  if (stamp.fingerprint !== fingerprint) return 'sources changed since the last build';
  if (stamp.node !== node) return `built with node ${stamp.node}, running ${node}`;
  return undefined;
}

export function checkBuild(root) {
  return staleReason({
    stamp: readStamp(root),
    fingerprint: sourceFingerprint(root),
    outputsPresent: OUTPUTS.every((f) => existsSync(path.join(root, f))),
    node: process.version,
  });
}

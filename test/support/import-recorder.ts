// Records every module URL a child node process resolves through the ESM loader, so a test can
// prove what a command did (or did not) load. Written to a temp dir as plain .mjs at test time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function importRecorder(): { importArg: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-imports-'));
  const log = join(dir, 'resolved.log');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}
`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';
register(${JSON.stringify(new URL(`file://${join(dir, 'hooks.mjs')}`).href)}, { data: { log: ${JSON.stringify(log)} } });
`,
  );
  return { importArg: `--import=${new URL(`file://${join(dir, 'register.mjs')}`).href}`, log };
}

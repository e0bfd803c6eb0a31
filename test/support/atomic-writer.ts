// Child process for the atomic-write crash test: replaces FILE again and again with big JSON
// documents (alternating the async and sync writers) and prints "done N" after each one lands,
// until the parent kills it. Usage: node atomic-writer.js FILE FIRST_GEN
import { writeFileAtomic, writeFileAtomicSync } from '../../src/persist/atomic.js';

const file = process.argv[2]!;
let gen = Number(process.argv[3]);

export function atomicDoc(n: number): string {
  const pad = String.fromCharCode(97 + (n % 26)).repeat((1 + (n % 4)) * 1024 * 1024);
  return JSON.stringify({ gen: n, size: pad.length, pad, end: n });
}

if (file) {
  for (;;) {
    const doc = atomicDoc(gen);
    if (gen % 2 === 0) await writeFileAtomic(file, doc);
    else writeFileAtomicSync(file, doc);
    process.stdout.write(`done ${gen}\n`);
    gen++;
  }
}

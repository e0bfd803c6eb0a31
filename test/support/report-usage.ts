// Preloaded (node --import) into a child remlite: at exit it writes what the kernel measured of the
// process to $REMLITE_USAGE_REPORT: bytes it read through read(2) (rchar) and its peak RSS (VmHWM).
import { readFileSync, writeFileSync } from 'node:fs';

export interface Usage {
  rcharBytes: number;
  peakRssBytes: number;
}

const out = process.env['REMLITE_USAGE_REPORT'];
if (out) {
  process.on('exit', () => {
    const io = readFileSync('/proc/self/io', 'utf8');
    const status = readFileSync('/proc/self/status', 'utf8');
    const usage: Usage = {
      rcharBytes: Number(/^rchar:\s+(\d+)/m.exec(io)?.[1]),
      peakRssBytes: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) * 1024,
    };
    writeFileSync(out, JSON.stringify(usage));
  });
}

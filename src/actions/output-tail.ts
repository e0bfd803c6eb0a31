import { sanitizeLine } from '../util/sanitize.js';

/** The last lines of a command's output, made safe to draw and small enough to audit. */
export function outputTail(stdout: string, stderr: string, maxLines = 20, maxChars = 2000): string {
  const lines = `${stdout}\n${stderr}`
    .split(/\r?\n/)
    .map(sanitizeLine)
    .filter((l) => l.trim() !== '');
  const tail = lines.slice(-maxLines).join('\n');
  return tail.length > maxChars ? tail.slice(tail.length - maxChars) : tail;
}

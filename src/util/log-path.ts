// The one rule for a log file named by the operator (`remlite logs HOST PATH`, `:logs PATH`): any
// absolute path, read with tail and always quoted; refused when the shell or the screen could be
// fooled by it.

/** Why `path` cannot be followed as a log file, or undefined when it can. */
export function logPathError(path: string): string | undefined {
  if (!path.startsWith('/')) return `log path "${path}" is not absolute`;
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'log path contains a NUL, a line break or a control character';
  return undefined;
}

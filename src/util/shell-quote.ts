/**
 * Quotes one value for a POSIX shell: the result is always a single word whose value is exactly
 * the input, whatever it contains (quotes, ;, $(), backticks, newlines, leading dashes).
 * Leading dashes are not the shell's business: commands take "--" before operands for that.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('value contains a NUL byte and cannot be passed to a shell');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return "'" + value.replace(/'/g, `'\\''`) + "'";
}

/**
 * shQuote for the outermost word a login shell of another family may read first (fish, csh):
 * `'` and `\` go outside the quotes as `\'` and `\\`, because fish reads `\'` and `\\` inside
 * single quotes. Same value in sh; identical to shQuote when the value holds no backslash.
 * (csh still cannot take a line break inside quotes.)
 */
export function shQuoteAnyShell(value: string): string {
  if (value.includes('\0')) throw new Error('value contains a NUL byte and cannot be passed to a shell');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return "'" + value.replace(/['\\]/g, (c) => `'\\${c}'`) + "'";
}

/** Builds a command line from a program and its arguments, each quoted. */
export function shCommand(...words: string[]): string {
  return words.map(shQuote).join(' ');
}

/** Service names as systemd and sysvinit accept them; anything else is refused before planning. */
export function isSafeServiceName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,254}$/.test(name);
}

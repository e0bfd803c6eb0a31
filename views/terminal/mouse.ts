/** SGR mouse reporting: button presses (1000) reported as ESC [ < b ; x ; y M|m (1006). Wheel turns are button presses. */
export const MOUSE_ON = '\u001b[?1000h\u001b[?1006h';
export const MOUSE_OFF = '\u001b[?1006l\u001b[?1000l';

const UP = '\u001b[A';
const DOWN = '\u001b[B';

// SGR reports, and legacy X10 reports (ESC [ M and three bytes) from terminals without 1006.
// eslint-disable-next-line no-control-regex
const MOUSE_REPORT = /\u001b\[<(\d{1,4});\d{1,5};\d{1,5}[Mm]|\u001b\[M([\s\S])[\s\S]{2}/g;

/** Wheel direction of a button code, or undefined for clicks, drags and sideways wheels. */
export function wheelOf(button: number): 'up' | 'down' | undefined {
  if ((button & 64) === 0 || (button & 128) !== 0) return undefined;
  const b = button & 3;
  return b === 0 ? 'up' : b === 1 ? 'down' : undefined;
}

/**
 * Replaces mouse reports in terminal input: a wheel turn becomes an ↑ or ↓ key (so every list and
 * the log scroll with it), any other mouse report is dropped so it never reaches a key handler.
 */
export function translateMouse(input: string): string {
  return input.replace(MOUSE_REPORT, (_all, sgr: string | undefined, x10: string | undefined) => {
    const button = sgr !== undefined ? Number(sgr) : (x10?.codePointAt(0) ?? 0) - 32;
    const wheel = wheelOf(button);
    return wheel === 'up' ? UP : wheel === 'down' ? DOWN : '';
  });
}

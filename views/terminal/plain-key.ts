import type { Key } from 'ink';

/** Names Ink gives to keys it reports with an empty `input`. */
const NO_INPUT = new Set(['tab', 'backspace', 'delete']);

/**
 * One plain (non-escape) character as Ink's useInput reports it when it arrives alone. Ink hands a
 * run of characters read at once ("\rr", "/web\r") to useInput as a single paste; the key dispatcher
 * splits such a run and reads each character with this. test/unit/views-key-dispatch.test.tsx
 * checks it against Ink's own reading of every ASCII character.
 */
export function plainKey(ch: string): { input: string; key: Key } {
  let name = '';
  let ctrl = false;
  let shift = false;
  if (ch === '\r') name = 'return';
  else if (ch === '\n') name = 'enter';
  else if (ch === '\t') name = 'tab';
  else if (ch === '\b') name = 'backspace';
  else if (ch === '\u007f') name = 'delete';
  else if (ch === ' ') name = 'space';
  else if (ch.length === 1 && ch <= '\u001a') {
    name = String.fromCharCode(ch.charCodeAt(0) + 96);
    ctrl = true;
  } else if (ch.length === 1 && ch >= '0' && ch <= '9') name = 'number';
  else if (ch.length === 1 && ch >= 'a' && ch <= 'z') name = ch;
  else if (ch.length === 1 && ch >= 'A' && ch <= 'Z') {
    name = ch.toLowerCase();
    shift = true;
  }
  const input = NO_INPUT.has(name) ? '' : ctrl ? name : ch;
  if (/^[A-Z]$/.test(input)) shift = true;
  return { input, key: keyOf({ return: name === 'return', ctrl, shift, tab: name === 'tab', backspace: name === 'backspace', delete: name === 'delete' }) };
}

/** The Escape key as Ink's useInput reports it when ESC arrives alone. */
export function escapeKey(): { input: string; key: Key } {
  return { input: '', key: keyOf({ escape: true, meta: true }) };
}

function keyOf(set: Partial<Key>): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    eventType: undefined,
    ...set,
  };
}

/**
 * Makes remote text inert before it reaches the terminal: removes CSI / OSC / DCS / APC / PM / SOS
 * sequences (colour, cursor moves, title changes, clipboard writes), lone ESC, C0 controls but tab,
 * DEL and C1 controls (0x80-0x9f, which some terminals treat as 8-bit CSI/OSC introducers).
 * Tabs become spaces so column widths stay predictable.
 */
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(?:\u001b[\]P^_X]|[\u009d\u0090\u009e\u009f\u0098])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[ -/]*[0-~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

export function sanitizeLine(text: string): string {
  return text.replace(SEQUENCES, '').replace(/\t/g, '    ').replace(CONTROLS, '');
}

/** Sanitizes each line of a multi-line text, keeping the line breaks. */
export function sanitizeText(text: string): string {
  return text.split(/\r?\n/).map(sanitizeLine).join('\n');
}

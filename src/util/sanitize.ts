/**
 * Makes remote text inert before it reaches the terminal: removes CSI / OSC / DCS / APC / PM / SOS
 * sequences (colour, cursor moves, title changes, clipboard writes), lone ESC, C0 controls but tab,
 * DEL and C1 controls (0x80-0x9f, which some terminals treat as 8-bit CSI/OSC introducers).
 * Tabs become spaces so column widths stay predictable. Bidi controls and invisible characters are
 * made visible as `<U+XXXX>`, so a name cannot reorder the text around it or pass for another name.
 */
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(?:\u001b[\]P^_X]|[\u009d\u0090\u009e\u009f\u0098])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[ -/]*[0-~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
/**
 * Bidi embeddings, overrides, isolates and marks (U+202A-202E, U+2066-2069, U+200E/200F, U+061C),
 * zero-width and invisible characters (U+200B-200D, U+2060-2064, U+206A-206F, U+FEFF, U+00AD,
 * U+180E), line/paragraph separators (U+2028/2029), interlinear annotations (U+FFF9-FFFB) and tag
 * characters (U+E0000-E007F, a surrogate pair).
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

const visible = (ch: string): string => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;

/** Printable ASCII: nothing in it to remove or show. Most names, sites and paths are only that. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function sanitizeLine(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(SEQUENCES, '').replace(/\t/g, '    ').replace(CONTROLS, '').replace(INVISIBLE, visible);
}

/** Sanitizes each line of a multi-line text, keeping the line breaks. */
export function sanitizeText(text: string): string {
  return text.split(/\r?\n/).map(sanitizeLine).join('\n');
}

/**
 * Sanitizes every string (and object key) in a value bound for JSON output. JSON.stringify escapes
 * C0 controls but not C1 (U+009B is CSI) nor bidi controls, and `jq -r` prints strings raw.
 */
export function sanitizeJson<T>(value: T): T {
  if (typeof value === 'string') return sanitizeText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => sanitizeJson(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[sanitizeLine(k)] = sanitizeJson(v);
    return out as T;
  }
  return value;
}

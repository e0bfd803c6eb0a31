// SGR styling for text drawn without Ink (the first paint): the colour names Ink/chalk accept.

const NAMED: Readonly<Record<string, number>> = {
  black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37,
  gray: 90, grey: 90, blackBright: 90, redBright: 91, greenBright: 92, yellowBright: 93,
  blueBright: 94, magentaBright: 95, cyanBright: 96, whiteBright: 97,
};

export interface Style {
  color?: string | undefined;
  bold?: boolean;
  inverse?: boolean;
}

/** The SGR parameters of a colour name or #rrggbb (24-bit when the terminal has it, else the 256-colour cube). */
export function colorCode(color: string, depth: number): string | undefined {
  const named = NAMED[color];
  if (named !== undefined) return String(named);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!hex) return undefined;
  const [r, g, b] = [hex[1]!, hex[2]!, hex[3]!].map((h) => parseInt(h, 16)) as [number, number, number];
  if (depth >= 24) return `38;2;${r};${g};${b}`;
  const cube = (v: number) => Math.round((v / 255) * 5);
  return `38;5;${16 + 36 * cube(r) + 6 * cube(g) + cube(b)}`;
}

export function styled(text: string, style: Style, depth = 24): string {
  if (!text) return text;
  // Strings, not an array joined: the first frame styles every cell of its rows in code not yet optimised.
  let codes = style.bold ? (style.inverse ? '1;7' : '1') : style.inverse ? '7' : '';
  const c = style.color ? colorCode(style.color, depth) : undefined;
  if (c) codes = codes ? `${codes};${c}` : c;
  return codes ? `\u001b[${codes}m${text}\u001b[0m` : text;
}

// Turns a terminal capture (`tmux capture-pane -p -e`: text with SGR colour codes) into an SVG
// for the README: one <text> per row, one <tspan> per run of same-styled cells, each placed at
// its column so the grid stays aligned whatever monospace font the reader has. Pure.

export interface Style {
  /** #rrggbb, or undefined for the terminal's default colour. */
  fg?: string | undefined;
  bg?: string | undefined;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

/** Cells of one style on one row: starts at column `col` and covers `width` columns. */
export interface Run {
  col: number;
  width: number;
  text: string;
  style: Style;
}

export const PLAIN: Style = { bold: false, dim: false, italic: false, underline: false, inverse: false };

/** xterm's default 16 colours. */
const XTERM_16 = [
  '#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
  '#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff',
];

const hex2 = (n: number) => Math.max(0, Math.min(255, n)).toString(16).padStart(2, '0');
const rgb = (r: number, g: number, b: number) => `#${hex2(r)}${hex2(g)}${hex2(b)}`;

/** One of xterm's 256 colours: the 16 above, the 6x6x6 cube, then 24 grays. */
export function xterm256(n: number): string {
  if (n < 16) return XTERM_16[n] ?? XTERM_16[7]!;
  if (n < 232) {
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const gray = 8 + (Math.min(n, 255) - 232) * 10;
  return rgb(gray, gray, gray);
}

/**
 * The colour an extended SGR (38/48) names, starting at params[i] (the 5 or 2 after 38/48), and
 * how many params it used. Unknown forms use the rest of the sequence, as terminals do.
 */
function extendedColour(params: number[], i: number): { colour: string | undefined; used: number } {
  const kind = params[i];
  if (kind === 5) return { colour: params[i + 1] === undefined ? undefined : xterm256(params[i + 1]!), used: 2 };
  if (kind === 2) return { colour: rgb(params[i + 1] ?? 0, params[i + 2] ?? 0, params[i + 3] ?? 0), used: 4 };
  return { colour: undefined, used: params.length - i };
}

/** The style after one SGR sequence (`ESC [ params m`); params already split on `;`. */
export function applySgr(style: Style, params: number[]): Style {
  const s: Style = { ...style };
  if (params.length === 0) params = [0];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.assign(s, PLAIN, { fg: undefined, bg: undefined });
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = XTERM_16[p - 30];
    else if (p === 39) s.fg = undefined;
    else if (p >= 40 && p <= 47) s.bg = XTERM_16[p - 40];
    else if (p === 49) s.bg = undefined;
    else if (p >= 90 && p <= 97) s.fg = XTERM_16[p - 90 + 8];
    else if (p >= 100 && p <= 107) s.bg = XTERM_16[p - 100 + 8];
    else if (p === 38 || p === 48) {
      const { colour, used } = extendedColour(params, i + 1);
      if (p === 38) s.fg = colour;
      else s.bg = colour;
      i += used;
    }
  }
  return s;
}

/** Columns a code point takes: 2 for East Asian wide and emoji ranges, 0 for combining marks, else 1. */
export function cellWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

const sameStyle = (a: Style, b: Style) =>
  a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.inverse === b.inverse;

/** Parses SGR params: `1;38;5;196`, `38:2::1:2:3` (colon sub-parameters), empty = 0. */
function sgrParams(raw: string): number[] {
  const out: number[] = [];
  for (const part of raw.split(';')) {
    if (part.includes(':')) {
      // 38:2:<colour space>:r:g:b has one more field than the ';' form; 38:5:n does not.
      const sub = part.split(':').map((x) => (x === '' ? 0 : Number(x)));
      if (sub[1] === 2 && sub.length >= 6) sub.splice(2, 1);
      out.push(...sub);
    } else out.push(part === '' ? 0 : Number(part));
  }
  return out.filter((n) => Number.isFinite(n));
}

/**
 * Splits a capture into rows of styled runs. The style carries over line ends (tmux only emits
 * changes). SGR sequences set the style; other CSI, OSC, DCS and lone escapes are dropped, as are
 * control characters (tabs expand to the next multiple of 8).
 */
export function parseAnsi(text: string): Run[][] {
  const rows: Run[][] = [];
  let style: Style = { ...PLAIN };
  let row: Run[] = [];
  let col = 0;
  const put = (ch: string, width: number) => {
    const last = row[row.length - 1];
    if (last && sameStyle(last.style, style) && last.col + last.width === col) {
      last.text += ch;
      last.width += width;
    } else row.push({ col, width, text: ch, style });
    col += width;
  };
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '\x1b') {
      const next = body[i + 1];
      if (next === '[') {
        const m = /^\x1b\[([0-?]*)[ -/]*([@-~])/.exec(body.slice(i, i + 64));
        if (!m) { i += 2; continue; }
        if (m[2] === 'm' && !/[<=>?]/.test(m[1]!)) style = applySgr(style, sgrParams(m[1]!));
        i += m[0].length;
      } else if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
        // String sequences end with BEL or ST (ESC \).
        let j = i + 2;
        while (j < body.length && body[j] !== '\x07' && !(body[j] === '\x1b' && body[j + 1] === '\\')) j++;
        i = body[j] === '\x07' ? j + 1 : j + 2;
      } else i += 2;
      continue;
    }
    if (ch === '\n') {
      rows.push(row);
      row = [];
      col = 0;
      i++;
      continue;
    }
    if (ch === '\t') {
      const to = (Math.floor(col / 8) + 1) * 8;
      while (col < to) put(' ', 1);
      i++;
      continue;
    }
    const cp = body.codePointAt(i)!;
    const unit = String.fromCodePoint(cp);
    i += unit.length;
    // Control characters, and what XML cannot hold (lone surrogates, U+FFFE/U+FFFF).
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) continue;
    put(unit, cellWidth(cp));
  }
  rows.push(row);
  return rows;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface SvgOptions {
  cols: number;
  rows: number;
  /** Read by screen readers and shown as a tooltip. */
  title?: string;
  fontSize?: number;
}

/** The colours a dark xterm draws. */
export const DEFAULT_FG = '#e5e5e5';
export const DEFAULT_BG = '#121212';

/** Rows of runs to an SVG of a cols x rows terminal; rows and columns past the size are cut. */
export function runsToSvg(rows: Run[][], opts: SvgOptions): string {
  const font = opts.fontSize ?? 14;
  const cw = font * 0.6;
  const lh = Math.round(font * 1.3);
  const pad = 12;
  const width = Math.round(opts.cols * cw + 2 * pad);
  const height = Math.round(opts.rows * lh + 2 * pad);
  const n = (v: number) => String(Math.round(v * 10) / 10);
  const rects: string[] = [];
  const lines: string[] = [];
  rows.slice(0, opts.rows).forEach((runs, r) => {
    const top = pad + r * lh;
    const spans: string[] = [];
    for (const run of runs) {
      if (run.col >= opts.cols) continue;
      let text = run.text;
      let cells = run.width;
      if (run.col + cells > opts.cols) {
        // Cut by columns, never through a wide character.
        let kept = '';
        let w = 0;
        for (const c of text) {
          const cwid = cellWidth(c.codePointAt(0)!);
          if (run.col + w + cwid > opts.cols) break;
          kept += c;
          w += cwid;
        }
        text = kept;
        cells = w;
      }
      const s = run.style;
      const fg = s.inverse ? (s.bg ?? DEFAULT_BG) : (s.fg ?? DEFAULT_FG);
      const bg = s.inverse ? (s.fg ?? DEFAULT_FG) : s.bg;
      const x = pad + run.col * cw;
      if (bg) rects.push(`<rect x="${n(x)}" y="${top}" width="${n(cells * cw)}" height="${lh}" fill="${bg}"/>`);
      if (text.trim() === '' && !s.underline) continue;
      const attrs = [`x="${n(x)}"`, `fill="${fg}"`];
      if (cells > 1) attrs.push(`textLength="${n(cells * cw)}"`);
      if (s.bold) attrs.push('font-weight="bold"');
      if (s.dim) attrs.push('opacity="0.6"');
      if (s.italic) attrs.push('font-style="italic"');
      if (s.underline) attrs.push('text-decoration="underline"');
      spans.push(`<tspan ${attrs.join(' ')}>${escapeXml(text)}</tspan>`);
    }
    if (spans.length) lines.push(`<text y="${n(top + font)}">${spans.join('')}</text>`);
  });
  const title = opts.title ? `<title>${escapeXml(opts.title)}</title>\n` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `${title}<rect width="100%" height="100%" rx="6" fill="${DEFAULT_BG}"/>`,
    ...rects,
    `<g font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace" font-size="${font}" xml:space="preserve">`,
    ...lines,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

export function ansiToSvg(text: string, opts: SvgOptions): string {
  return runsToSvg(parseAnsi(text), opts);
}

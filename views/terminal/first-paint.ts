// The first frame, drawn from the last-known fleet before Ink and the rest of the console are loaded
// (about a second on a 2-core machine), with the same texts, columns and colours as the grid Ink then
// draws: the status line, the breadcrumb, the grid with the first host selected, and the footer.
// It goes through the same FrameWriter, so Ink's first frame rewrites only the rows that differ.
import type { FleetData } from '../../src/store/index.js';
import { arrangeRows } from '../../src/store/selectors.js';
import type { FirstFrameRows } from '../../src/store/screen-rows.js';
import { formatAge } from '../../src/util/format-age.js';
import { styled } from './ansi-style.js';
import { breadcrumbText } from '../breadcrumb.js';
import { gridColumns, gridStatus, groupRow, INITIAL_GRID_UI, initialSelection } from '../grid-columns.js';
import { footerText, GRID_KEYS } from '../keymap.js';
import { statusLineCount, statusMessage, statusMessageRows, summaryParts } from '../status-summary.js';
import { headerLine, layoutColumns, rowCells, windowStart } from '../table-layout.js';
import { fit } from '../text.js';
import type { Theme } from '../theme.js';

export interface FirstPaintInput {
  /** What the status line reads besides the counts. */
  data: Pick<FleetData, 'readOnly' | 'lastPollAt' | 'notice' | 'providers'>;
  /** The grid's first rows and the fleet's counts (the fleet cache's screen line, or firstFrameRows of a store's rows). */
  screen: FirstFrameRows;
  theme: Theme;
  columns: number;
  rows: number;
  now: number;
  /** Colour depth of the terminal (8 or 24): #rrggbb theme colours are drawn with what it has. */
  depth?: number;
}

/** The frame's rows, as App would lay out the grid screen (see ../App.tsx, ../FleetGrid.tsx, ../StatusBar.tsx). */
export function firstPaintFrame(input: FirstPaintInput): string {
  const { data, screen, theme, columns: width, now } = input;
  const depth = input.depth ?? 24;
  const s = (text: string, style: Parameters<typeof styled>[1] = {}) => styled(text, style, depth);
  const lines: string[] = [];

  const badge = data.readOnly ? ' READ-ONLY ' : '';
  const poll = data.lastPollAt ? `poll ${formatAge(now - data.lastPollAt)} ago` : 'poll —';
  const room = Math.max(0, width - badge.length - (badge ? 1 : 0));
  const summary = summaryParts(screen.summary, poll, theme, room)
    .map((p) => s(p.text, { color: p.color, bold: p.bold ?? false }))
    .join('');
  lines.push((badge ? s(badge, { inverse: true, bold: true, color: theme.warning }) + ' ' : '') + summary);
  const message = statusMessage(data, now);
  if (message) {
    const color = message.level === 'error' ? theme.critical : message.level === 'warning' ? theme.warning : theme.accent;
    for (const row of statusMessageRows(data, now, width)) lines.push(s(row, { color }));
  }
  lines.push(s(breadcrumbText(['fleet'], width), { color: theme.muted }));

  const bodyHeight = Math.max(4, input.rows - 1 - statusLineCount(data, now, width) - 1);
  const tableHeight = Math.max(1, bodyHeight - 2);
  const ui = INITIAL_GRID_UI;
  const rows = arrangeRows(screen.rows, { filter: ui.filter, sortKey: ui.sortKey, sortDesc: ui.sortDesc, groupByPool: ui.groupByPool });
  const selected = initialSelection(rows, ui);
  const layout = layoutColumns(gridColumns(theme, { now, ec2: screen.cloud }), width);
  lines.push(s(headerLine(layout), { bold: true }));
  const footerAt = lines.length + tableHeight;
  const start = windowStart(rows.length, selected, tableHeight);
  rows.slice(start, start + tableHeight).forEach((row, i) => {
    const inverse = start + i === selected;
    const full = groupRow(row, theme);
    if (full) lines.push(s(fit(full.text, width), { bold: true, color: full.color, inverse }));
    else lines.push(rowCells(row, layout).map((c) => s(c.text, { color: c.color, inverse })).join(''));
  });
  // The footer on the bottom row, below a short table as in ListScreen.
  while (lines.length < footerAt) lines.push('');
  lines.push(s(fit(`${gridStatus(rows, selected, ui, 0, screen.summary.total)} │ ${footerText(GRID_KEYS, data.readOnly)}`, width), { color: theme.muted }));
  return lines.join('\n');
}

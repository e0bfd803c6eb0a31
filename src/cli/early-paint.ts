// The console's first frame, drawn from the last-known fleet before settings, inventory, ssh config
// and Ink are loaded (that takes about a second on a 2-core machine; this takes a few milliseconds).
// The frame goes through the console's own screen writer, which the console then keeps using.
import type { CliArgs } from './args.js';
import { fleetCachePath, readFleetCache, type FleetCacheLoad } from '../persist/fleet-cache.js';
import { configDir, settingsFilePath, stateDir } from '../persist/paths.js';
import { readNoFollow } from '../persist/no-follow.js';
import { storeFromCache } from '../app/cache-restore.js';
import { checkFirstFrameRows, fillsScreen, firstFrameRows } from '../store/screen-rows.js';
import { hostRowsOf } from '../store/selectors.js';
import { BUILTIN_PALETTES, isBuiltinTheme } from '../theme/palettes.js';
import { FrameWriter } from '../../views/terminal/frame-writer.js';
import { firstPaintFrame, type FirstPaintInput } from '../../views/terminal/first-paint.js';
import { pickTheme } from '../../views/theme.js';

export interface EarlyScreen {
  /** The fleet cache, parsed on the first call (the console restores it without reading or moving it again). */
  cache: () => FleetCacheLoad;
  /** The screen writer holding the first frame, when one was drawn. */
  writer?: FrameWriter;
  /** Gives the terminal back (main screen, cooked mode) when the console does not start after all. */
  abandon(): void;
}

/** The theme the settings file names, read without opening the settings (any problem: the default). */
function settingsTheme(): string {
  try {
    const theme = (JSON.parse(readNoFollow(settingsFilePath(), 1024 * 1024).toString('utf8')) as { theme?: unknown }).theme;
    return typeof theme === 'string' ? theme : 'default';
  } catch {
    return 'default';
  }
}

/**
 * What the first frame draws: the cache's screen line, or else (a cache saved without one: an older
 * version, a console that did not close; or one kept for a shorter terminal than this one, which would
 * leave the grid's foot empty) the rows of a store restored from the whole cache.
 */
async function cachedScreen(read: ReturnType<typeof readFleetCache>, readOnly: boolean, terminalRows: number): Promise<Pick<FirstPaintInput, 'data' | 'screen'> | undefined> {
  const kept = checkFirstFrameRows(read.screen());
  if (kept && fillsScreen(kept, terminalRows)) return { data: { readOnly, providers: {} }, screen: kept };
  const loaded = read.load();
  if (!loaded.ok) return undefined;
  const data = (await storeFromCache(loaded.cache, { readOnly })).getState();
  return { data, screen: firstFrameRows(hostRowsOf(data, Date.now()), terminalRows) };
}

export async function paintCachedFleet(args: CliArgs): Promise<EarlyScreen> {
  const read = readFleetCache(fleetCachePath(stateDir()));
  const none: EarlyScreen = { cache: read.load, abandon: () => undefined };
  const out = process.stdout;
  const input = process.stdin;
  if (!out.isTTY || !input.isTTY || process.env['REMLITE_SCREEN'] === 'inline') return none;
  const cached = await cachedScreen(read, args.readOnly, out.rows);
  if (!cached || cached.screen.rows.length === 0) return none;
  // Keys typed before the console is live wait in the terminal instead of being echoed over the frame.
  input.setRawMode(true);
  const name = args.theme ?? settingsTheme();
  // A theme file means the YAML parser: loaded only for it.
  const resolved = isBuiltinTheme(name) ? { name, palette: BUILTIN_PALETTES[name] } : (await import('../theme/load-theme.js')).resolveTheme(name, configDir());
  const theme = pickTheme(resolved);
  const writer = new FrameWriter(out);
  writer.frame(firstPaintFrame({ ...cached, theme, columns: out.columns, rows: out.rows, now: Date.now(), depth: out.getColorDepth() }));
  return {
    cache: read.load,
    writer,
    abandon: () => {
      writer.close();
      input.setRawMode(false);
    },
  };
}

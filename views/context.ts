import { createContext, useContext } from 'react';
import type { FleetStore, ForegroundRunner, Intents } from '../src/store/index.js';
import { DEFAULT_THEME, type Theme } from './theme.js';

export interface ViewContextValue {
  store: FleetStore;
  intents: Intents;
  theme: Theme;
  /** Hands the terminal to a program (the shell key); absent where there is no real terminal. */
  foreground?: ForegroundRunner;
}

export const ViewContext = createContext<ViewContextValue | null>(null);

export function useView(): ViewContextValue {
  const v = useContext(ViewContext);
  if (!v) throw new Error('remlite views must be rendered inside <App>');
  return v;
}

/** Wall clock that ticks once a second at most (poll ages); provided by App. */
export const NowContext = createContext<number>(0);
export const useNow = () => useContext(NowContext);

export { DEFAULT_THEME };

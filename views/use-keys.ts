import { useCallback, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';
import { useKeyDispatch } from './terminal/key-dispatch.js';

/**
 * A screen's key handler, always called in its latest version. Under the app's KeyDispatcher it
 * listens from the commit that made it active (keys typed ahead reach the screen they were meant
 * for); rendered on its own (a component test) it reads Ink's input directly.
 */
export function useKeys(handler: (input: string, key: Key) => void, active: boolean): void {
  const dispatch = useKeyDispatch();
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  const stable = useCallback((input: string, key: Key) => ref.current(input, key), []);
  useInput(stable, { isActive: active && dispatch === null });
  useLayoutEffect(() => (dispatch && active ? dispatch.listen(ref) : undefined), [dispatch, active]);
}

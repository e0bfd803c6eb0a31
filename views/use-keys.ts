import { useCallback, useRef } from 'react';
import { useInput, type Key } from 'ink';

/**
 * useInput with the latest handler always called. Ink re-subscribes a changed handler in a passive
 * effect; keys arriving before that effect ran would otherwise reach a handler with stale state.
 */
export function useKeys(handler: (input: string, key: Key) => void, active: boolean): void {
  const ref = useRef(handler);
  ref.current = handler;
  const stable = useCallback((input: string, key: Key) => ref.current(input, key), []);
  useInput(stable, { isActive: active });
}

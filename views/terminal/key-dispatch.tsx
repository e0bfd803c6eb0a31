import type React from 'react';
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState } from 'react';
import { useApp, useInput, useStdin, type Key } from 'ink';
import { escapeKey, plainKey } from './plain-key.js';

export type KeyHandler = (input: string, key: Key) => void;

interface Listener {
  handler: { current: KeyHandler };
  listening: boolean;
}

interface KeyDispatch {
  /** Adds a listener; the returned function removes it. Called from layout effects: in force once the screen has committed. */
  listen(handler: { current: KeyHandler }): () => void;
}

const KeyDispatchContext = createContext<KeyDispatch | null>(null);

/**
 * Keys handed out and keys whose commit has happened, across the process. A test types a key and
 * waits until the two are equal (the screen then shows what the key did) instead of sleeping.
 */
export const keyProgress = { handed: 0, committed: 0, listeners: new Set<() => void>() };

/** The dispatcher above the caller, or null when a component is rendered on its own (it then reads Ink's input itself). */
export function useKeyDispatch(): KeyDispatch | null {
  return useContext(KeyDispatchContext);
}

interface Queue {
  keys: { input: string; key: Key }[];
  /** A key was handed out and the commit carrying its state changes has not happened yet. */
  awaitingCommit: boolean;
  drainScheduled: boolean;
  /** The raw text of the input event Ink is delivering (see the prepended listener). */
  raw: string | undefined;
  listeners: Listener[];
}

/**
 * The app's one reader of keys. Keys typed ahead (read in one chunk, or faster than frames) are
 * queued and handed out one at a time: a key goes out only after the commit that carries the
 * previous key's state changes, to the listeners registered by that commit's screens. So `Enter r`
 * opens the host and then restarts its selected service, and `/web Enter` filters on exactly "web",
 * however fast they arrive. No timer is involved: the next key follows the commit at once.
 *
 * Listeners register in layout effects (during the commit), not in passive effects as Ink's own
 * useInput does: a key arriving between a commit and its passive effects still reaches the new screen.
 */
export function KeyDispatcher({ children }: { children: React.ReactNode }): React.JSX.Element {
  const { exit } = useApp();
  const { internal_eventEmitter: events, internal_exitOnCtrlC: exitOnCtrlC } = useStdin();
  const [commits, setCommits] = useState(0);
  const q = useRef<Queue>({ keys: [], awaitingCommit: false, drainScheduled: false, raw: undefined, listeners: [] }).current;

  const handOut = (next: { input: string; key: Key }) => {
    q.awaitingCommit = true;
    keyProgress.handed++;
    try {
      for (const l of [...q.listeners]) if (l.listening) l.handler.current(next.input, next.key);
    } finally {
      setCommits((n) => n + 1);
    }
  };
  const drain = () => {
    q.drainScheduled = false;
    while (!q.awaitingCommit && q.keys.length) handOut(q.keys.shift()!);
  };
  const drainRef = useRef(drain);
  drainRef.current = drain;

  // The commit of the last key's changes: its screens' listeners are registered, the next key may go.
  // biome-ignore lint/correctness/useExhaustiveDependencies: it must run on every commit a key caused, which `commits` counts
  useLayoutEffect(() => {
    if (q.awaitingCommit) {
      keyProgress.committed++;
      for (const notify of keyProgress.listeners) notify();
    }
    q.awaitingCommit = false;
    if (q.keys.length && !q.drainScheduled) {
      q.drainScheduled = true;
      // After this commit has finished (a state update inside a layout effect would nest renders).
      queueMicrotask(() => drainRef.current());
    }
  }, [commits, q]);

  // Unmounted (the console quit): no commit will follow the keys handed out.
  useLayoutEffect(
    () => () => {
      keyProgress.committed = keyProgress.handed;
      for (const notify of keyProgress.listeners) notify();
    },
    [],
  );

  // Ink hands a run of plain characters read at once to useInput as one paste: keep the raw text to split it.
  useLayoutEffect(() => {
    if (!events) return;
    const onRaw = (data: string) => {
      q.raw = data;
    };
    events.prependListener('input', onRaw);
    return () => {
      events.off('input', onRaw);
    };
  }, [events, q]);

  const onInput = useCallback(
    (input: string, key: Key) => {
      const raw = q.raw;
      q.raw = undefined;
      const chars = raw !== undefined && !raw.includes('\u001b') ? [...raw] : [];
      // ESC and a key read together is how a terminal spells Alt+key; the console binds no Alt key, and
      // an operator typing Escape then q ahead means exactly that: two keys.
      const escThen = raw !== undefined && /^\u001b[\x20-\x7e]$/u.test(raw) ? raw.slice(1) : undefined;
      if (escThen !== undefined) q.keys.push(escapeKey(), plainKey(escThen));
      else if (chars.length > 1) {
        for (const ch of chars) {
          const k = plainKey(ch);
          if (exitOnCtrlC && k.key.ctrl && k.input === 'c') {
            exit();
            return;
          }
          q.keys.push(k);
        }
      } else q.keys.push({ input, key });
      drainRef.current();
    },
    [q, exit, exitOnCtrlC],
  );
  useInput(onInput);

  const dispatch = useRef<KeyDispatch>({
    listen(handler) {
      const l: Listener = { handler, listening: true };
      q.listeners.push(l);
      return () => {
        l.listening = false;
        q.listeners = q.listeners.filter((x) => x !== l);
      };
    },
  }).current;

  return <KeyDispatchContext.Provider value={dispatch}>{children}</KeyDispatchContext.Provider>;
}

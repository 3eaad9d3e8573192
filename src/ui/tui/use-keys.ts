import type { Key } from 'ink';
import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState } from 'react';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Text and Enter/Tab/Backspace arriving in one chunk (a paste, `tmux send-keys text Enter`), as separate keys in order. */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta || !/[\r\n\t\u007f\b]/.test(input)) return [[input, key]];
  const keys: [string, Key][] = [];
  for (const part of input.split(/([\r\n\t\u007f\b])/)) {
    if (part === '') continue;
    if (part === '\r' || part === '\n') keys.push(['', { ...NO_KEY, return: true }]);
    else if (part === '\t') keys.push(['', { ...NO_KEY, tab: true }]);
    else if (part === '\u007f') keys.push(['', { ...NO_KEY, delete: true }]);
    else if (part === '\b') keys.push(['', { ...NO_KEY, backspace: true }]);
    else keys.push([part, NO_KEY]);
  }
  return keys;
}

export type KeyHandler = (input: string, key: Key) => void;

/**
 * Keys go to whoever owns the screen *now* (the model's first dialog, else the main view), decided when the key
 * arrives rather than when React last committed: a key typed right after a dialog opens reaches that dialog
 * (it waits until the dialog has rendered), never the view it replaced.
 */
export class KeyRouter {
  private readonly handlers = new Map<object, KeyHandler>();
  private readonly waiting = new Map<object, [string, Key][]>();

  /** Register (or replace) an owner's handler, and hand it the keys that arrived before it rendered. */
  register(owner: object, handler: KeyHandler): void {
    this.handlers.set(owner, handler);
    const queued = this.waiting.get(owner);
    if (!queued) return;
    this.waiting.delete(owner);
    for (const [input, key] of queued) handler(input, key);
  }

  unregister(owner: object, handler: KeyHandler): void {
    if (this.handlers.get(owner) === handler) this.handlers.delete(owner);
  }

  dispatch(owner: object, input: string, key: Key): void {
    for (const stale of this.waiting.keys()) if (stale !== owner) this.waiting.delete(stale);
    const handler = this.handlers.get(owner);
    if (handler) return handler(input, key);
    this.waiting.set(owner, [...(this.waiting.get(owner) ?? []), [input, key]]);
  }
}

export const KeyRouterContext = createContext<KeyRouter>(new KeyRouter());

/** Receive the keys sent to `owner` (a dialog, or the main view). Handlers read state through `useLatest`. */
export function useKeys(owner: object, handler: KeyHandler): void {
  const router = useContext(KeyRouterContext);
  // A layout effect runs as the component commits, so the route exists before any later key is read.
  useLayoutEffect(() => {
    router.register(owner, handler);
    return () => router.unregister(owner, handler);
  });
}

/** State whose latest value is readable at once (`get()`), even before React re-renders. */
export function useLatest<T>(initial: T | (() => T)): [T, (next: T | ((old: T) => T)) => void, () => T] {
  const [value, setValue] = useState(initial);
  const latest = useRef(value);
  const set = useCallback((next: T | ((old: T) => T)) => {
    latest.current = typeof next === 'function' ? (next as (old: T) => T)(latest.current) : next;
    setValue(latest.current);
  }, []);
  const get = useCallback(() => latest.current, []);
  return [value, set, get];
}

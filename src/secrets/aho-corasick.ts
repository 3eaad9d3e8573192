/**
 * An Aho-Corasick automaton over UTF-16 code units: finds every pattern in one left-to-right pass, and knows at
 * each point how much of the text read so far could still be the start of a pattern (what a stream must hold).
 */

/** A compiled set of patterns; built once per set, then shared read-only by every stream. */
export interface Automaton {
  readonly patternCount: number;
  /** Length of the longest pattern (0 when there are none). */
  readonly maxLength: number;
  /** Children of each state, keyed by code unit. State 0 is the root. */
  readonly goto: readonly Map<number, number>[];
  /** Failure link: the state of the longest proper suffix that is also a pattern prefix. */
  readonly fail: Int32Array;
  /** Length of the longest pattern that ends where this state ends, or 0. */
  readonly longestMatch: Int32Array;
  /** Length of the longest suffix, ending here, that a longer pattern could still extend: text to hold back. */
  readonly extendable: Int32Array;
}

/** Build the automaton for `patterns` (empty strings are ignored). */
export function buildAutomaton(patterns: Iterable<string>): Automaton {
  const goto: Map<number, number>[] = [new Map()];
  const depth: number[] = [0];
  const terminal: boolean[] = [false];
  let patternCount = 0;
  let maxLength = 0;
  for (const pattern of patterns) {
    if (pattern === '') continue;
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      const children = goto[state] as Map<number, number>;
      let next = children.get(code);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        depth.push(i + 1);
        terminal.push(false);
        children.set(code, next);
      }
      state = next;
    }
    if (!terminal[state]) patternCount++;
    terminal[state] = true;
    maxLength = Math.max(maxLength, pattern.length);
  }

  const size = goto.length;
  const fail = new Int32Array(size);
  const longestMatch = new Int32Array(size);
  const extendable = new Int32Array(size);
  const automaton: Automaton = { patternCount, maxLength, goto, fail, longestMatch, extendable };
  // Breadth-first, so every failure target (always shallower) is complete before it is used.
  const queue: number[] = [0];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number;
    for (const [code, child] of goto[state] as Map<number, number>) {
      const target = state === 0 ? 0 : step(automaton, fail[state] as number, code);
      fail[child] = target;
      longestMatch[child] = terminal[child] ? (depth[child] as number) : (longestMatch[target] as number);
      extendable[child] = (goto[child] as Map<number, number>).size > 0 ? (depth[child] as number) : (extendable[target] as number);
      queue.push(child);
    }
  }
  return automaton;
}

/** The state after reading `code` in `state`. Amortised O(1) per code unit over a whole text. */
export function step(automaton: Automaton, state: number, code: number): number {
  const { goto, fail } = automaton;
  for (;;) {
    const next = (goto[state] as Map<number, number>).get(code);
    if (next !== undefined) return next;
    if (state === 0) return 0;
    state = fail[state] as number;
  }
}

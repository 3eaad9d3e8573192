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
  /**
   * The same automaton as a dense table, so a stream pays one array lookup per code unit instead of Map lookups
   * along failure links (masking is on the path of every byte of output). `classOf` maps a code unit to its
   * column: 0 for code units that occur in no pattern, else 1..width-1. Undefined when the table would be
   * larger than `MAX_TABLE_ENTRIES` (then `step` walks `goto` and `fail`).
   */
  readonly table?: { next: Int32Array; classOf: Uint16Array; width: number };
  /**
   * Finds the first `ANCHOR_LENGTH` code units of any pattern (the whole of a shorter one): where none occurs,
   * no pattern can start, so a scanner may skip ahead to the next one (see `nextAnchor`). One alternation, which
   * V8 searches with a Boyer-Moore lookahead: 0.1 ms per MiB, where an `indexOf` per anchor cost 0.4 each.
   */
  readonly anchors: RegExp;
  /** Length of the longest anchor. */
  readonly anchorLength: number;
}

/** How much of each pattern an anchor holds; longer anchors mean fewer false starts. */
const ANCHOR_LENGTH = 8;

/** 4M entries (16 MB): far above what a few dozen secrets in all their forms need. */
const MAX_TABLE_ENTRIES = 4 * 1024 * 1024;

/** Build the automaton for `patterns` (empty strings are ignored). */
export function buildAutomaton(patterns: Iterable<string>): Automaton {
  const goto: Map<number, number>[] = [new Map()];
  const depth: number[] = [0];
  const terminal: boolean[] = [false];
  let maxLength = 0;
  const distinct = new Set<string>();
  for (const pattern of patterns) {
    if (pattern === '' || distinct.has(pattern)) continue;
    distinct.add(pattern);
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
    terminal[state] = true;
    maxLength = Math.max(maxLength, pattern.length);
  }

  const size = goto.length;
  const fail = new Int32Array(size);
  const longestMatch = new Int32Array(size);
  const extendable = new Int32Array(size);
  const prefixes = [...new Set([...distinct].map((pattern) => pattern.slice(0, ANCHOR_LENGTH)))];
  const anchorLength = Math.max(0, ...prefixes.map((prefix) => prefix.length));
  // No `u` flag: patterns and text are compared as UTF-16 code units, like the automaton does (a prefix may end
  // in half a surrogate pair). With no pattern it matches nothing.
  const literal = (prefix: string) => prefix.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const anchors = new RegExp(prefixes.length > 0 ? prefixes.map(literal).join('|') : '[^\\s\\S]', 'g');
  const patternCount = distinct.size;
  const automaton: Automaton = { patternCount, maxLength, goto, fail, longestMatch, extendable, anchors, anchorLength };
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
  const table = denseTable(goto, fail, queue);
  return table ? { ...automaton, table } : automaton;
}

/** Every transition, failure links resolved, in a states × columns table; `order` is breadth-first. */
function denseTable(goto: readonly Map<number, number>[], fail: Int32Array, order: readonly number[]): Automaton['table'] {
  const classOf = new Uint16Array(65536);
  const codes: number[] = [];
  for (const children of goto) {
    for (const code of children.keys()) {
      if (classOf[code] === 0) {
        codes.push(code);
        classOf[code] = codes.length;
      }
    }
  }
  const width = codes.length + 1;
  if (goto.length * width > MAX_TABLE_ENTRIES) return undefined;
  const next = new Int32Array(goto.length * width);
  // Column 0 (no pattern uses that code unit) stays 0 everywhere. A state's missing transitions are those of
  // its failure target, which is shallower and so already filled in.
  for (const state of order) {
    const children = goto[state] as Map<number, number>;
    const fallback = (fail[state] as number) * width;
    for (let column = 1; column < width; column++) {
      const child = children.get(codes[column - 1] as number);
      next[state * width + column] = child ?? (state === 0 ? 0 : (next[fallback + column] as number));
    }
  }
  return { next, classOf, width };
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

/** Where in `text`, from `from` on, the first anchor starts (-1: nowhere); no pattern occurrence starts before it. */
export function nextAnchor(automaton: Automaton, text: string, from: number): number {
  const { anchors } = automaton;
  anchors.lastIndex = from;
  return anchors.exec(text)?.index ?? -1;
}

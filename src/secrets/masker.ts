import { StringDecoder } from 'node:string_decoder';
import { buildAutomaton, nextAnchor, step, type Automaton } from './aho-corasick.js';
import { secretForms } from './secret-forms.js';

/** What every hidden secret becomes; fixed width, so the output does not reveal the secret's length either. */
export const MASK = '****';

/** Masks every known secret, in all its forms (see `secretForms`), in one text or in chunked streams. */
export interface Masker {
  /** Mask a complete text (an error message, a captured value). */
  mask(text: string): string;
  /** A masking stream for one output (one process's stdout, say); each stream keeps its own held-back tail. */
  stream(): MaskStream;
  /** Learn a secret later, e.g. typed at a prompt mid-run; open streams mask it from their next chunk on. */
  add(secret: string): void;
}

/** One output stream. Emits everything it can as soon as no secret could still be starting in it. */
export interface MaskStream {
  /**
   * Mask the next chunk and return the text that is safe to emit now. At most (longest form − 1) characters
   * that could be the start of a secret are held back. Buffers are decoded as UTF-8, also when a character
   * is split between two chunks.
   */
  push(chunk: string | Buffer): string;
  /** The end of the stream: return whatever was held back, masked. The stream can then be used afresh. */
  flush(): string;
  /** How many occurrences this stream has masked so far (flushes included): did a secret pass through it? */
  readonly hidden: number;
}

/**
 * A masker for `secrets`. Overlapping or nested occurrences are merged and masked as one `****`, so no part of
 * any form survives; touching occurrences give one `****` each. Empty secrets are ignored.
 */
export function createMasker(secrets: Iterable<string> = []): Masker {
  const known = new Set<string>();
  const forms = new Set<string>();
  const learn = (secret: string): boolean => {
    if (secret === '' || known.has(secret)) return false;
    known.add(secret);
    for (const form of secretForms(secret)) forms.add(form);
    return true;
  };
  for (const secret of secrets) learn(secret);
  let automaton = buildAutomaton(forms);
  const current = (): Automaton => automaton;
  return {
    mask: (text) => new Stream(current).maskAll(text),
    stream: () => new Stream(current),
    add(secret) {
      if (learn(secret)) automaton = buildAutomaton(forms);
    },
  };
}

interface Interval {
  start: number;
  end: number;
}

/**
 * Positions are absolute offsets in the stream's text (UTF-16 code units). `buffer` holds the text from
 * `bufferStart` (the last emit boundary) to `position`; the part before `cursor` is already emitted and kept
 * only as context for re-scanning after `add`.
 */
class Stream implements MaskStream {
  private readonly decoder = new StringDecoder('utf8');
  private automaton: Automaton;
  private state = 0;
  private buffer = '';
  private bufferStart = 0;
  private position = 0;
  private cursor = 0;
  /** Disjoint occurrences (merged when overlapping), sorted; only those that can still grow or be emitted. */
  private intervals: Interval[] = [];
  hidden = 0;

  constructor(private readonly current: () => Automaton) {
    this.automaton = current();
  }

  push(chunk: string | Buffer): string {
    return this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk), false);
  }

  flush(): string {
    const out = this.feed(this.decoder.end(), true);
    this.reset();
    return out;
  }

  maskAll(text: string): string {
    return this.feed(text, true);
  }

  private feed(text: string, final: boolean): string {
    const latest = this.current();
    if (latest !== this.automaton) {
      // A secret was added: re-scan the held-back text with the new automaton (old occurrences stay merged).
      this.automaton = latest;
      text = this.buffer + text;
      this.buffer = '';
      this.position = this.bufferStart;
      this.state = 0;
    }
    const automaton = this.automaton;
    if (automaton.patternCount === 0 && this.intervals.length === 0) return this.passThrough(text);

    const base = this.position;
    const { longestMatch, extendable, table } = automaton;
    let state = this.state;
    // In state 0 no pattern has begun, and none can begin before the next anchor (see `Automaton.anchors`) or
    // in the last `anchorLength - 1` code units, where an anchor may be cut off by the end of this text. So the
    // scan jumps to the nearer of the two with one native regex search instead of stepping through every code unit.
    // Skipped text holds no occurrence and no prefix of one.
    const tail = text.length - (automaton.anchorLength - 1);
    const skip = (from: number): number => {
      if (from >= tail) return from;
      const anchor = nextAnchor(automaton, text, from);
      return anchor === -1 || anchor > tail ? tail : anchor;
    };
    if (table) {
      const { next, classOf, width } = table;
      for (let i = 0; i < text.length; i++) {
        if (state === 0 && (i = skip(i)) >= text.length) break;
        state = next[state * width + (classOf[text.charCodeAt(i)] as number)] as number;
        const length = longestMatch[state] as number;
        if (length > 0) this.addInterval(base + i + 1 - length, base + i + 1);
      }
    } else {
      for (let i = 0; i < text.length; i++) {
        if (state === 0 && (i = skip(i)) >= text.length) break;
        state = step(automaton, state, text.charCodeAt(i));
        const length = longestMatch[state] as number;
        if (length > 0) this.addInterval(base + i + 1 - length, base + i + 1);
      }
    }
    this.state = state;
    this.buffer += text;
    this.position = base + text.length;
    return this.emit(final ? this.position : this.position - (extendable[state] as number));
  }

  /** Merge [start, end) into the sorted disjoint list; `end` never decreases between calls. */
  private addInterval(start: number, end: number): void {
    const intervals = this.intervals;
    for (let top = intervals.at(-1); top !== undefined && top.end > start; top = intervals.at(-1)) {
      start = Math.min(start, top.start);
      end = Math.max(end, top.end);
      intervals.pop();
    }
    intervals.push({ start, end });
  }

  /**
   * Emit everything before `boundary`: every occurrence starting before it is known (a longer one would have
   * to extend past the text read so far, which `extendable` rules out), and one starting exactly at it can
   * only grow to the right, so its `****` is final too.
   */
  private emit(boundary: number): string {
    const { buffer, bufferStart: offset } = this;
    let cursor = this.cursor;
    let out = '';
    for (const interval of this.intervals) {
      if (interval.start < cursor) {
        cursor = Math.max(cursor, interval.end); // already emitted; it grew
      } else if (interval.start <= boundary) {
        out += buffer.slice(cursor - offset, interval.start - offset) + MASK;
        this.hidden++;
        cursor = interval.end;
      } else {
        break;
      }
    }
    if (cursor < boundary) {
      out += buffer.slice(cursor - offset, boundary - offset);
      cursor = boundary;
    }
    // Later occurrences start at or after `boundary`, so only intervals reaching past it can still merge.
    let done = 0;
    while (done < this.intervals.length && (this.intervals[done] as Interval).end <= boundary) done++;
    if (done > 0) this.intervals.splice(0, done);
    this.buffer = buffer.slice(boundary - offset);
    this.bufferStart = boundary;
    this.cursor = cursor;
    return out;
  }

  private passThrough(text: string): string {
    const out = this.buffer.slice(this.cursor - this.bufferStart) + text;
    this.position += text.length;
    this.buffer = '';
    this.bufferStart = this.cursor = this.position;
    this.state = 0;
    return out;
  }

  private reset(): void {
    this.state = 0;
    this.buffer = '';
    this.bufferStart = this.position = this.cursor = 0;
    this.intervals = [];
  }
}

/** Longest line kept; the rest is cut (the full text is in the run's log file). */
const MAX_LINE = 1_000;

/**
 * The last `capacity` lines of a stream, in a fixed array. A push costs O(lines kept) however much text
 * arrives: a step printing 100 MB never grows memory, and output never goes through React state line by line.
 * A partial line is held until its newline and shown as the last line meanwhile.
 */
export class LineRing {
  private readonly lines: string[];
  private next = 0;
  private size = 0;
  private partial = '';
  /** Complete lines pushed in total, kept or not. */
  total = 0;

  constructor(readonly capacity = 200) {
    this.lines = new Array<string>(capacity);
  }

  /** Append text holding any number of newlines. */
  push(text: string): void {
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      if (text !== '') this.partial = clip(this.partial + text);
      return;
    }
    // Walk back over at most `capacity` lines: older ones would be overwritten at once anyway.
    const kept: string[] = [];
    let end = last;
    let reachedStart = false;
    while (kept.length < this.capacity) {
      const previous = end === 0 ? -1 : text.lastIndexOf('\n', end - 1);
      if (previous === -1) {
        kept.push(this.partial + text.slice(0, end));
        reachedStart = true;
        break;
      }
      kept.push(text.slice(previous + 1, end));
      end = previous;
    }
    this.total += kept.length + (reachedStart ? 0 : countNewlines(text, end));
    for (let i = kept.length - 1; i >= 0; i--) this.add(kept[i]!);
    this.partial = clip(text.slice(last + 1));
  }

  /** Add one whole line as is (markers such as `── attempt 2 ──`), closing a partial line first. */
  mark(line: string): void {
    this.flushPartial();
    this.add(line);
  }

  /** Close a partial line (its stream ended without a newline). */
  flushPartial(): void {
    if (this.partial === '') return;
    this.add(this.partial);
    this.total++;
    this.partial = '';
  }

  /** The last `count` lines, oldest first; the partial line, if any, last. */
  tail(count: number): string[] {
    if (count <= 0) return [];
    const withPartial = this.partial === '' ? 0 : 1;
    const take = Math.min(count - withPartial, this.size);
    const out: string[] = [];
    for (let i = take; i > 0; i--) out.push(this.lines[(this.next - i + this.capacity) % this.capacity]!);
    if (withPartial) out.push(this.partial);
    return out;
  }

  /** Lines held, the partial one included. */
  get length(): number {
    return this.size + (this.partial === '' ? 0 : 1);
  }

  private add(line: string): void {
    this.lines[this.next] = clip(line.endsWith('\r') ? line.slice(0, -1) : line);
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
}

/** Newlines in text[0..through], inclusive. */
function countNewlines(text: string, through: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i <= through; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

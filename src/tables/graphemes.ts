/** Code units handed to Intl.Segmenter at a time: its iteration costs O(length) per grapheme on Node 20. */
export const SEGMENT_WINDOW = 128;

/** A grapheme cluster and where it starts in the text (in UTF-16 code units). */
export interface Grapheme {
  segment: string;
  index: number;
}

/**
 * The grapheme clusters of a text, lazily, in time linear in its length (Intl.Segmenter over a whole text is
 * quadratic: 150 KB took minutes). ASCII beside ASCII is a cluster by itself without asking the segmenter; other
 * stretches are segmented a window at a time, each window starting at a boundary the previous one found.
 * `from` must be a boundary.
 */
export function* graphemesOf(text: string, from = 0): Generator<Grapheme> {
  const end = text.length;
  let at = from;
  while (at < end) {
    const code = text.charCodeAt(at);
    // Two ASCII characters always have a boundary between them, but CR LF (UAX #29 GB3, GB999).
    if (at + 1 === end ? code < 0x80 : isAsciiBoundary(text, at + 1)) {
      yield { segment: text[at]!, index: at };
      at++;
      continue;
    }
    const stop = stretchEnd(text, at, at + SEGMENT_WINDOW);
    // A window never ends between the two halves of a surrogate pair.
    const windowEnd = stop < end && isHighSurrogate(text.charCodeAt(stop - 1)) ? stop - 1 : stop;
    let last: Grapheme | undefined;
    for (const { segment, index } of segmenter().segment(text.slice(at, windowEnd))) {
      // The window's last cluster may go on past it: it is segmented again at the start of the next window.
      if (last) yield last;
      last = { segment, index: at + index };
    }
    if (!last) break;
    if (windowEnd === end || isAsciiBoundary(text, windowEnd) || last.index === at) {
      // The stretch ends at a boundary; or one cluster fills the window (hundreds of combining marks): cut it there.
      yield last;
      at = last.index + last.segment.length;
    } else {
      at = last.index;
    }
  }
}

/** Where the stretch that starts at `from` ends (the first boundary between two ASCII characters), looking no further than `limit`. */
function stretchEnd(text: string, from: number, limit: number): number {
  const last = Math.min(text.length, limit);
  for (let i = from + 1; i < last; i++) if (isAsciiBoundary(text, i)) return i;
  return last;
}

/** Whether `text[i - 1]` and `text[i]` are ASCII with a cluster boundary between them (all but CR LF). */
function isAsciiBoundary(text: string, i: number): boolean {
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i);
  return before < 0x80 && after < 0x80 && !(before === 0x0d && after === 0x0a);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

let cached: Intl.Segmenter | undefined;
function segmenter(): Intl.Segmenter {
  return (cached ??= new Intl.Segmenter('en', { granularity: 'grapheme' }));
}

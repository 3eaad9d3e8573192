/** The statuses a text rendering (show, plain output, reports) marks with a glyph. */
export type TextStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'unknown';

/** One glyph per status in text renderings; the TUI has its own, with colours and a waiting state. */
export function textGlyph(status: TextStatus): string {
  switch (status) {
    case 'succeeded':
      return '✔';
    case 'failed':
      return '✘';
    case 'skipped':
      return '–';
    case 'running':
      return '▶';
    case 'unknown':
      return '?';
    case 'pending':
      return '·';
  }
}

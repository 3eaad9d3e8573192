import { visibleText } from '../text/visible.js';

/**
 * Text for HTML element content and attribute values (double-quoted): control characters and bidi controls
 * made visible first (a U+202E would read the rest of the line reversed in the customer's proof), then escaped.
 */
export function escapeHtml(text: string): string {
  return visibleText(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// foreach items are journaled as text. A record item (an object, e.g. one of a JSON capture's records) is written as
// compact JSON; these read it back for expressions and name it for people.
import type { Value } from './ast.js';

/**
 * A foreach item as expressions see it. Items are journaled as text; a record item (an object of a JSON capture)
 * was written as compact JSON, so text that is exactly that form is read back as the record (`item.<field>`) and
 * renders as the same text. Any other text stays text.
 */
export function itemValue(item: string): Value {
  if (!item.startsWith('{')) return item;
  try {
    const parsed: unknown = JSON.parse(item);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && JSON.stringify(parsed) === item ? (parsed as Value) : item;
  } catch {
    return item;
  }
}

/** How an item is named in labels and tables: a record as `key=value` pairs, anything else as it is. */
export function itemLabel(item: string): string {
  const value = itemValue(item);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return item;
  return Object.entries(value)
    .map(([key, field]) => `${key}=${typeof field === 'string' ? field : JSON.stringify(field)}`)
    .join(' ');
}

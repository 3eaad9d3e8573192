import type { Value } from './ast.js';

/**
 * The text form of a value: strings as they are, null as '', numbers and booleans via String(),
 * lists as their items joined by `separator`, objects (and lists inside lists) as JSON.
 */
export function valueToText(value: Value, separator: string): string {
  if (Array.isArray(value)) return value.map((item) => scalarText(item)).join(separator);
  return scalarText(value);
}

function scalarText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

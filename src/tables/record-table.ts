/** A value a table cell can hold: a JSON scalar. */
export type Scalar = string | number | boolean | null;

/**
 * A table of text cells: `rows[r][c]` is the cell of column `columns[c]`, `''` where a record has no such key.
 * Every renderer (terminal text, Markdown, HTML) draws the same cells.
 */
export interface Table {
  columns: string[];
  rows: string[][];
}

/** A JSON scalar: string, number, boolean or null. */
export function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** What a table cell may hold: a scalar, or a list of scalars (shown joined with ", "). */
export function isCellValue(value: unknown): value is Scalar | Scalar[] {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

/** A cell's text: strings as they are, `null` as `null`, lists joined with ", ". */
export function cellText(value: Scalar | Scalar[]): string {
  if (Array.isArray(value)) return value.map((v) => cellText(v)).join(', ');
  return typeof value === 'string' ? value : String(value);
}

/** An object as JSON.parse makes it (not an array, not null, no class of its own). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The value as a table when it is a list of records: a non-empty list of plain objects whose values are all
 * scalars or lists of scalars. Columns are the union of the keys, in the order first seen. Anything else
 * (a scalar, a list of scalars, nested objects) is not a table: `undefined`.
 */
export function recordTable(value: unknown): Table | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of value) {
    if (!isPlainObject(record)) return undefined;
    for (const [key, cell] of Object.entries(record)) {
      if (!isCellValue(cell)) return undefined;
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  if (columns.length === 0) return undefined;
  const rows = (value as Record<string, unknown>[]).map((record) => columns.map((c) => (Object.hasOwn(record, c) ? cellText(record[c] as Scalar | Scalar[]) : '')));
  return { columns, rows };
}

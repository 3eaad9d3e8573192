import type { DialogRow } from './dialog-frame.js';

/** Rows each part of a confirmation gets. */
export interface ConfirmShare {
  message: number;
  scope: number;
  /** The reviewed list: its header and item rows. */
  list: number;
}

/** The fewest item rows the reviewed list gets before the message and the scope get any (when it has that many). */
export const MIN_LIST_ROWS = 5;

/**
 * Share `room` rows (what the dialog has left around its title, fields and keys) between the message, the scope
 * and a reviewed list. The list comes first: two thirds of the room (at least its header and MIN_LIST_ROWS items),
 * then the message, then the scope, then the list takes whatever is left. The scope keeps a few rows, so where the
 * step acts stays on screen next to what it acts on.
 */
export function shareConfirmRows(room: number, need: { message: number; scope: number; list: number; listHeader: number }): ConfirmShare {
  const free = Math.max(0, room);
  let list = Math.min(need.list, free, Math.max(need.listHeader + MIN_LIST_ROWS, Math.ceil((free * 2) / 3)));
  const message = Math.min(need.message, free - list);
  const scope = Math.min(need.scope, free - list - message);
  list += Math.min(need.list - list, free - list - message - scope);
  return { message, scope, list };
}

/** At most `count` of the rows; when some do not fit, the last one shown says how many more there are. */
export function cutRows(rows: DialogRow[], count: number): DialogRow[] {
  if (rows.length <= count) return rows;
  if (count <= 0) return [];
  return [...rows.slice(0, count - 1), { text: `… ${rows.length - count + 1} more lines`, dim: true }];
}

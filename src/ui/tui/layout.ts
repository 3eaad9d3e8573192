/** How the live area's rows are shared; every section is cut to its rows, so the frame never outgrows the terminal. */
export interface Layout {
  columns: number;
  /** Rows of the live area: one less than the terminal, so ink never falls back to clearing the whole screen. */
  height: number;
  header: number;
  status: number;
  list: number;
  /** The selected step's details, or the dialog. */
  body: number;
  footer: number;
}

/** Most rows the live area takes on a tall terminal: a bigger frame costs more to repaint and shows no more. */
const MAX_HEIGHT = 48;

/** Share `rows` between header, step list, details and footer. */
export function computeLayout(columns: number, rows: number, steps: number, withStatus: boolean): Layout {
  const height = Math.max(4, Math.min(rows - 1, MAX_HEIGHT));
  const header = height >= 12 ? 2 : 1;
  const footer = 1;
  const status = withStatus ? 1 : 0;
  const free = Math.max(0, height - header - footer - status);
  const list = Math.min(steps, Math.max(Math.min(3, free), Math.min(10, Math.floor(free * 0.3))));
  return { columns: Math.max(20, columns), height, header, status, list, body: Math.max(0, free - list), footer };
}

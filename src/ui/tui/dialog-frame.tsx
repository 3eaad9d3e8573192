import { Box } from 'ink';
import type { ReactNode } from 'react';
import { KeyHints } from './KeyHints.js';
import { Line } from './Line.js';

export interface DialogRow {
  text: ReactNode;
  color?: string;
  dim?: boolean;
  bold?: boolean;
  inverse?: boolean;
}

/**
 * A dialog in `height` rows: a title row, the rows that must show (the input, the error), as many of the
 * optional rows as fit (cut with `… n more`), then the keys. Nothing is ever pushed off screen.
 */
export function DialogFrame({ title, optional, required, keys, height }: { title: DialogRow; optional: DialogRow[]; required: DialogRow[]; keys: [string, string][]; height: number }) {
  const room = Math.max(0, height - 2 - required.length);
  const shown = optional.length <= room ? optional : [...optional.slice(0, Math.max(0, room - 1)), ...(room > 0 ? [{ text: `… ${optional.length - room + 1} more lines`, dim: true }] : [])];
  const rows = [title, ...shown, ...required].slice(0, Math.max(0, height - 1));
  return (
    <Box flexDirection="column">
      {rows.map((row, i) => (
        <Line key={i} {...(row.color ? { color: row.color } : {})} dim={row.dim ?? false} bold={row.bold ?? false} inverse={row.inverse ?? false}>
          {row.text}
        </Line>
      ))}
      {height > 0 ? <KeyHints keys={keys} /> : null}
    </Box>
  );
}

/** A text field on one row: label, value (masked for secrets), a block cursor when focused. */
export function fieldRow(label: string, value: string, focused: boolean): DialogRow {
  return { text: `${focused ? '›' : ' '} ${label} ${value}${focused ? '█' : ''}`, bold: focused };
}

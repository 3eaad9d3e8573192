import { Text, useStdout } from 'ink';
import type { ReactNode } from 'react';
import { fitLine, lineBound } from './fit-line.js';
import { paint, useTheme } from './theme.js';

export interface LineProps {
  children?: ReactNode;
  color?: string;
  dim?: boolean;
  bold?: boolean;
  inverse?: boolean;
}

/** One row of the live area: cut at the terminal's width, never wrapped, so row budgets hold. */
export function Line({ children, color, dim = false, bold = false, inverse = false }: LineProps) {
  const theme = useTheme();
  const { stdout } = useStdout();
  return (
    <Text wrap="truncate-end" {...paint(theme, color)} dimColor={dim} bold={bold} inverse={inverse}>
      {children === undefined || children === '' ? ' ' : fitLine(children, lineBound(stdout.columns))}
    </Text>
  );
}

import { Text } from 'ink';
import type { ReactNode } from 'react';
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
  return (
    <Text wrap="truncate-end" {...paint(theme, color)} dimColor={dim} bold={bold} inverse={inverse}>
      {children === undefined || children === '' ? ' ' : children}
    </Text>
  );
}

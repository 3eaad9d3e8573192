import { Box, Text, useStdout } from 'ink';
import { fitWidth } from '../../tables/index.js';
import { lineBound } from './fit-line.js';
import { statusColor } from './format.js';
import { paint, useTheme } from './theme.js';
import type { StaticEntry } from './types.js';

/** Rows a detail line may wrap onto before it is cut (a would-run command of 150 KB would fill the scrollback). */
const DETAIL_ROWS = 4;

/** A line printed once above the live area: a finished step (one line, plus would-run or failure details), a note. */
export function StaticEntryView({ entry }: { entry: StaticEntry }) {
  const theme = useTheme();
  const { stdout } = useStdout();
  const bound = lineBound(stdout.columns);
  const glyph = entry.kind === 'step' ? entry.text.slice(0, 1) : '';
  const rest = entry.kind === 'step' ? entry.text.slice(1) : entry.text;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" dimColor={entry.kind === 'note' || entry.kind === 'record'}>
        <Text {...paint(theme, entry.status ? statusColor(entry.status) : undefined)} bold>
          {glyph}
        </Text>
        {fitWidth(rest, bound)}
      </Text>
      {entry.detail?.map((line, i) => (
        <Text key={i} dimColor wrap="wrap">
          {'    '}
          {fitWidth(line, bound * DETAIL_ROWS)}
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from 'ink';
import { statusColor } from './format.js';
import { paint, useTheme } from './theme.js';
import type { StaticEntry } from './types.js';

/** A line printed once above the live area: a finished step (one line, plus would-run or failure details), a note. */
export function StaticEntryView({ entry }: { entry: StaticEntry }) {
  const theme = useTheme();
  const glyph = entry.kind === 'step' ? entry.text.slice(0, 1) : '';
  const rest = entry.kind === 'step' ? entry.text.slice(1) : entry.text;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" dimColor={entry.kind === 'note' || entry.kind === 'record'}>
        <Text {...paint(theme, entry.status ? statusColor(entry.status) : undefined)} bold>
          {glyph}
        </Text>
        {rest}
      </Text>
      {entry.detail?.map((line, i) => (
        <Text key={i} dimColor wrap="wrap">
          {'    '}
          {line}
        </Text>
      ))}
    </Box>
  );
}

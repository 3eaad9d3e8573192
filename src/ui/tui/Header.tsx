import { Box, Text, useStdout } from 'ink';
import { fitWidth } from '../../tables/index.js';
import { lineBound } from './fit-line.js';
import { formatClock, modeBadge } from './format.js';
import { useTheme } from './theme.js';
import type { RunHeader } from './types.js';
import { Line } from './Line.js';
import { useClock } from './use-clock.js';

export interface HeaderProps {
  header: RunHeader;
  rows: number;
  done: number;
  total: number;
  running: boolean;
  now: () => number;
  /** Playing back a recorded run (`fieldbook replay`). */
  replay?: boolean;
}

/** Mode badge (LIVE in red, DRY-RUN, REHEARSAL), runbook title, elapsed time; site, run id and progress below. */
export function Header({ header, rows, done, total, running, now, replay }: HeaderProps) {
  const theme = useTheme();
  const badge = replay ? { text: ' REPLAY ', note: `read-only: a ${header.mode} run played back, nothing runs`, color: 'magenta' } : modeBadge(header.mode);
  const clock = useClock(now, running);
  const { stdout } = useStdout();
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexShrink={0}>
          <Text bold inverse={!theme.color} {...(theme.color ? { backgroundColor: badge.color, color: header.mode === 'rehearse' ? 'black' : 'white' } : {})}>
            {badge.text}
          </Text>
        </Box>
        <Box flexGrow={1} flexShrink={1} minWidth={0} marginLeft={1}>
          <Text bold wrap="truncate-end">
            {fitWidth(header.title, lineBound(stdout.columns))}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text> {formatClock(clock - header.startedAt)}</Text>
        </Box>
      </Box>
      {rows > 1 ? (
        <Line dim>
          {badge.note} · site {header.site} · run {header.runId}
          {header.resumed ? ' (resumed)' : ''} · {done}/{total} steps done
        </Line>
      ) : null}
    </Box>
  );
}

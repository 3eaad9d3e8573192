import { Box, Text, useStdout } from 'ink';
import { fitWidth } from '../../tables/index.js';
import { lineBound } from './fit-line.js';
import { formatDuration, progressLabel, statusColor, statusGlyph } from './format.js';
import { paint, useTheme } from './theme.js';
import type { StepView } from './types.js';
import { Line } from './Line.js';

export interface StepListProps {
  steps: StepView[];
  selected: string | undefined;
  height: number;
  now: number;
}

/** Which steps fit: a window around the selected one, with `↑ n more` / `↓ n more` rows when cut. */
export function listWindow(count: number, focus: number, height: number): { start: number; end: number; above: boolean; below: boolean } {
  if (count <= height) return { start: 0, end: count, above: false, below: false };
  if (height < 3) {
    const first = Math.max(0, Math.min(focus, count - height));
    return { start: first, end: first + height, above: false, below: false };
  }
  let start = Math.max(0, Math.min(focus - 1, count - height));
  let end = start + height;
  const above = start > 0;
  const below = end < count;
  if (above) start++;
  if (below) end--;
  if (focus < start) {
    end -= start - focus;
    start = focus;
  }
  return { start, end, above, below };
}

/** The steps with their status glyphs, progress and time; the selected one marked. */
export function StepList({ steps, selected, height, now }: StepListProps) {
  const focus = Math.max(0, steps.findIndex((s) => s.id === selected));
  const { start, end, above, below } = listWindow(steps.length, focus, height);
  const shown = steps.slice(start, end);
  const doneAbove = steps.slice(0, start).filter((s) => s.settled).length;
  return (
    <Box flexDirection="column">
      {above ? (
        <Line dim>
          ↑ {start} more ({doneAbove} done)
        </Line>
      ) : null}
      {shown.map((step) => (
        <StepRow key={step.id} step={step} selected={step.id === selected} now={now} />
      ))}
      {below ? <Line dim>↓ {steps.length - end} more</Line> : null}
    </Box>
  );
}

function StepRow({ step, selected, now }: { step: StepView; selected: boolean; now: number }) {
  const theme = useTheme();
  // Titles are the runbook's and may be any length: cut before ink measures them (see fit-line.ts).
  const bound = lineBound(useStdout().stdout.columns);
  const progress = progressLabel(step);
  const time = step.durationMs !== undefined ? formatDuration(step.durationMs) : step.status === 'running' && step.startedAt !== undefined ? formatDuration(now - step.startedAt) : '';
  const right = [progress, time].filter(Boolean).join('  ');
  const tags = `${step.destructive ? ' [destructive]' : ''}${step.kind === 'manual' ? ' [manual]' : ''}`;
  return (
    <Box>
      <Box flexShrink={0}>
        <Text bold={selected} inverse={selected && !theme.color} {...paint(theme, selected ? 'cyan' : undefined)}>
          {selected ? '›' : ' '}
        </Text>
        <Text {...paint(theme, statusColor(step.status))} bold={step.status === 'failed' || step.status === 'waiting'}>
          {' '}
          {statusGlyph(step.status)}{' '}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} minWidth={0}>
        <Text wrap="truncate-end" bold={selected} dimColor={step.status === 'skipped'}>
          {String(step.index).padStart(2)}. {fitWidth(step.id, bound)}
          {step.title !== step.id ? <Text dimColor> {fitWidth(step.title, bound)}</Text> : null}
          <Text {...paint(theme, step.destructive ? 'red' : undefined)}>{tags}</Text>
        </Text>
      </Box>
      {right ? (
        <Box flexShrink={0}>
          <Text> {right}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

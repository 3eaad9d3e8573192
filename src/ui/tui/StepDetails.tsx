import { Box } from 'ink';
import { assertNever } from '../../errors.js';
import { unitLabel } from '../../journal/events.js';
import { formatDuration, outputRows, progressLabel, statusColor, statusGlyph, statusWord, stepOutputViews, type OutputRow } from './format.js';
import { itemLabel } from '../../template/record-item.js';
import { Line } from './Line.js';
import type { HostView, StepView } from './types.js';

export interface StepDetailsProps {
  step: StepView;
  /** The target whose output is shown. */
  host: string | undefined;
  height: number;
  now: number;
  /**
   * Columns of the pane: tables of records are laid out to it.
   * @default 80
   */
  width?: number;
  /**
   * What shows every output of the run, named when a table does not fit.
   * @default 'fieldbook show <run>'
   */
  showCommand?: string;
}

/** Up to `max` rows of `lines`; a last row says how many more there are. */
export function clipLines(lines: string[], max: number, more = (n: number) => `… ${n} more lines`): string[] {
  if (max <= 0) return [];
  if (lines.length <= max) return lines;
  if (max === 1) return [`${lines[0]} … (+${lines.length - 1})`];
  return [...lines.slice(0, max - 1), more(lines.length - max + 1)];
}

/** The selected step: what it is, what it runs, how it went, and a live tail of one target's output. */
export function StepDetails({ step, host, height, now, width = 80, showCommand = 'fieldbook show <run>' }: StepDetailsProps) {
  const view = host !== undefined ? step.hosts.get(host) : undefined;
  const rows: { text: string; color?: string; dim?: boolean; bold?: boolean }[] = [];
  rows.push({ text: `── ${step.index}. ${step.id}${step.title !== step.id ? ` — ${step.title}` : ''} `.padEnd(200, '─'), bold: true });
  const budget = (n: number) => Math.max(0, Math.min(n, height - rows.length - 2));

  const description = (step.description ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  for (const line of clipLines(description, budget(height >= 14 ? 2 : 1))) rows.push({ text: line, dim: true });

  rows.push({ text: statusLine(step, view, now), ...(statusColor(step.status) ? { color: statusColor(step.status)! } : {}) });

  const command = step.wouldRun ? wouldRunText(step, host) : (view?.command ?? step.command ?? step.planned);
  if (command !== undefined && budget(1) > 0) {
    const lines = command.split('\n');
    const shown = clipLines(lines, budget(height >= 14 ? 3 : 1), (n) => `  … ${n} more lines (full command in the log)`);
    shown.forEach((line, i) => rows.push({ text: `${i === 0 ? '$ ' : '  '}${line}` }));
  }

  const targets = [...new Set([...step.targets, ...step.hosts.keys()])];
  if (targets.length > 1 && budget(1) > 0) rows.push({ text: `hosts: ${targets.map((t) => hostTab(step, t, t === host)).join(' ')}   ←/→ switch`, dim: false });

  // Values take two rows, as ever; tables of records take what they need, leaving the output tail a few rows.
  const views = stepOutputViews(step, view);
  const tables = views.some((v) => v.kind !== 'value');
  const outputs = budget(!tables ? 2 : step.status === 'running' ? Math.max(3, Math.floor((height - rows.length) / 2)) : height);
  for (const row of outputRows(views, { width, max: outputs, where: showCommand })) rows.push(outputStyle(row));
  if (view?.reason && (view.status === 'failed' || view.status === 'unknown' || view.status === 'skipped')) {
    rows.push({ text: `${view.status}: ${view.reason}`, color: view.status === 'skipped' ? 'gray' : 'red' });
  }

  const room = Math.max(0, height - rows.length);
  const tail = view ? view.output.tail(room) : [];
  if (room > 0 && view && view.output.length === 0 && step.status === 'running') rows.push({ text: '(no output yet)', dim: true });
  for (const line of tail) rows.push({ text: `│ ${line}`, dim: false });

  return (
    <Box flexDirection="column">
      {rows.slice(0, height).map((row, i) => (
        <Line key={i} {...(row.color ? { color: row.color } : {})} dim={row.dim ?? false} bold={row.bold ?? false}>
          {row.text}
        </Line>
      ))}
    </Box>
  );
}

function outputStyle(row: OutputRow): { text: string; color?: string; dim?: boolean; bold?: boolean } {
  switch (row.style) {
    case 'value':
    case 'title':
      return { text: row.text, color: 'green' };
    case 'header':
      return { text: row.text, bold: true };
    case 'cell':
      return { text: row.text };
    case 'more':
      return { text: row.text, dim: true };
    default:
      return assertNever(row.style);
  }
}

function statusLine(step: StepView, view: HostView | undefined, now: number): string {
  const parts = [`${statusGlyph(step.status)} ${statusWord(step.status)}`];
  const progress = progressLabel(step);
  if (progress) parts.push(progress);
  if (view && step.targets.length + (step.items ? 1 : 0) > 1) {
    parts.push(`${view.name}: ${view.status}${view.item ? ` (item ${view.item.index + 1}: ${itemLabel(view.item.value)})` : ''}`);
  }
  if (view && view.attempt > 1) parts.push(`attempt ${view.attempt}`);
  if (view?.exitCode !== undefined) parts.push(`exit ${view.exitCode}`);
  if (view?.durationMs !== undefined && view.status !== 'running') parts.push(`took ${formatDuration(view.durationMs)}`);
  else if (step.durationMs !== undefined) parts.push(`took ${formatDuration(step.durationMs)}`);
  else if (step.startedAt !== undefined && step.status === 'running') parts.push(`for ${formatDuration(now - step.startedAt)}`);
  if (step.status === 'skipped' && step.reason) parts.push(step.reason);
  if (step.status === 'pending') parts.push(step.destructive ? 'destructive: asks for the confirmation phrase first' : step.kind === 'manual' ? 'manual: asks you to tick its checklist' : `on ${step.targets.join(', ') || 'local'}`);
  return parts.join(' · ');
}

function hostTab(step: StepView, name: string, selected: boolean): string {
  const status = step.hosts.get(name)?.status ?? 'pending';
  const glyph = status === 'pending' ? '○' : statusGlyph(status);
  return selected ? `[${glyph} ${name}]` : ` ${glyph} ${name} `;
}

function wouldRunText(step: StepView, host: string | undefined): string {
  const plan = step.wouldRun!;
  const invocations = plan.invocations.filter((inv) => host === undefined || inv.target === host);
  const lines = (invocations.length ? invocations : plan.invocations).flatMap((inv) => [
    `${plan.why === 'dry-run' ? 'would run' : 'not run in a rehearsal'} on ${unitLabel({ step: step.id, target: inv.target })}${inv.item !== undefined ? ` for ${inv.item}` : ''}:`,
    ...inv.command.split('\n').map((l) => `  ${l}`),
  ]);
  if (plan.confirm !== undefined) lines.push(`asks the operator to type "${plan.confirm}"`);
  return lines.join('\n');
}

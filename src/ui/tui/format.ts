import type { Mode } from '../../plan/types.js';
import { assertNever } from '../../errors.js';
import type { StepStatus, StepView } from './types.js';

/** One glyph per status, distinct without colour. */
export function statusGlyph(status: StepStatus): string {
  switch (status) {
    case 'pending':
      return '○';
    case 'running':
      return '▶';
    case 'waiting':
      return '◆';
    case 'succeeded':
      return '✔';
    case 'failed':
      return '✘';
    case 'skipped':
      return '↷';
    case 'unknown':
      return '?';
    default:
      return assertNever(status);
  }
}

/** The colour of a status, when colours are on. */
export function statusColor(status: StepStatus): string | undefined {
  switch (status) {
    case 'pending':
      return undefined;
    case 'running':
      return 'cyan';
    case 'waiting':
      return 'yellow';
    case 'succeeded':
      return 'green';
    case 'failed':
      return 'red';
    case 'skipped':
      return 'gray';
    case 'unknown':
      return 'magenta';
    default:
      return assertNever(status);
  }
}

/** A status in words, for the details pane. */
export function statusWord(status: StepStatus): string {
  switch (status) {
    case 'waiting':
      return 'waiting for you';
    case 'unknown':
      return 'outcome unknown';
    default:
      return status;
  }
}

/** The mode badge: the one thing on screen that says whether commands run for real. */
export function modeBadge(mode: Mode): { text: string; note: string; color: string } {
  switch (mode) {
    case 'live':
      return { text: ' LIVE ', note: 'commands run for real', color: 'red' };
    case 'dry-run':
      return { text: ' DRY-RUN ', note: 'nothing runs, nothing connects', color: 'blue' };
    case 'rehearse':
      return { text: ' REHEARSAL ', note: 'only readonly steps run', color: 'yellow' };
    default:
      return assertNever(mode);
  }
}

/** `2/3 hosts`, `17/40 items`; empty for a single-unit step. */
export function progressLabel(step: StepView): string {
  if (step.units <= 1 && !step.items) return '';
  let done = 0;
  let failed = 0;
  for (const status of step.unitStatus.values()) {
    if (status === 'succeeded' || status === 'skipped') done++;
    else if (status === 'failed' || status === 'unknown') failed++;
  }
  const noun = step.items ? 'items' : 'hosts';
  return `${done}/${step.units} ${noun}${failed ? `, ${failed} failed` : ''}`;
}

/** `0.4s`, `12s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `00:12:34` since the start. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A finished step as one line: glyph, number, id, title, progress, duration, why. */
export function stepSummary(step: StepView, note?: string): string {
  const parts = [`${statusGlyph(step.status)} ${step.index}. ${step.id}`];
  if (step.title !== step.id) parts.push(`— ${step.title}`);
  const progress = progressLabel(step);
  if (progress) parts.push(`[${progress}]`);
  parts.push(statusWord(step.status));
  if (step.durationMs !== undefined) parts.push(`in ${formatDuration(step.durationMs)}`);
  let line = parts.join(' ');
  if (step.reason) line += `: ${step.reason}`;
  if (note) line += ` ${note}`;
  return line;
}

/** Values as one short line each: `tarSize = 123`, lists and objects as JSON. */
export function formatOutputs(outputs: Record<string, unknown> | undefined): string[] {
  if (!outputs) return [];
  return Object.entries(outputs).map(([name, value]) => `${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

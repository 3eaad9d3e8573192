import type { Mode } from '../../plan/types.js';
import { assertNever } from '../../errors.js';
import { layoutTable, outputViews, tableTitle, wrapText, type OutputView } from '../../tables/index.js';
import type { HostView, StepStatus, StepView } from './types.js';

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

/** One row of a step's outputs in the details pane; `style` says how it is painted. */
export interface OutputRow {
  text: string;
  style: 'value' | 'title' | 'header' | 'cell' | 'more';
}

/** The output views of the step the details pane shows: one host's outputs, or a row per host for a fan-out step. */
export function stepOutputViews(step: StepView, view: HostView | undefined): OutputView[] {
  const targets = [...new Set([...step.targets, ...step.hosts.keys()])];
  // foreach: a host keeps only its latest item's outputs, so there is no row per item to show here.
  if (targets.length <= 1 || step.items) return outputViews(view?.outputs ?? {});
  return outputViews(view?.outputs ?? {}, targets.map((host) => ({ host, outputs: step.hosts.get(host)?.outputs })));
}

/**
 * Output views as at most `max` rows: a value as `⇒ name = value` (cut at the screen's edge, as before), a table
 * under a `⇒` title, laid out to `width` with long cells wrapped, never cut. When not everything fits, whole
 * records are left out and the last row says how many rows and outputs are hidden and that `where` shows them.
 */
export function outputRows(views: readonly OutputView[], options: { width: number; max: number; where: string }): OutputRow[] {
  const blocks = views.map((view) => blockOf(view, options.width - 2));
  const all = blocks.flatMap((b) => [...b.head, ...b.records.flat()]);
  if (all.length <= options.max) return all;
  if (options.max <= 0) return [];
  // The last rows say what is hidden and where to read it; room for the longest such note is kept.
  const note = (records: number, outputs: number) => {
    const hidden = [records ? `${records} more ${records === 1 ? 'row' : 'rows'}` : '', outputs ? `${outputs} more ${outputs === 1 ? 'output' : 'outputs'}` : ''].filter(Boolean);
    return wrapText(`… ${hidden.join(' and ')}: see ${options.where}`, options.width).map((text): OutputRow => ({ text, style: 'more' }));
  };
  const rows: OutputRow[] = [];
  let room = options.max - note(all.length, views.length).length;
  let hiddenRows = 0;
  let hiddenOutputs = 0;
  let cut = false;
  for (const block of blocks) {
    const first = block.records[0]?.length ?? 0;
    if (cut || block.head.length + first > room) {
      cut = true;
      hiddenOutputs++;
      continue;
    }
    rows.push(...block.head);
    room -= block.head.length;
    block.records.forEach((record, i) => {
      if (!cut && record.length <= room) {
        rows.push(...record);
        room -= record.length;
      } else {
        if (!cut) hiddenRows += block.records.length - i;
        cut = true;
      }
    });
  }
  return [...rows, ...note(hiddenRows, hiddenOutputs)].slice(0, options.max);
}

interface Block {
  /** Rows always shown with the block: a value, or a table's title and header. */
  head: OutputRow[];
  /** A table's records, each the rows of one record. */
  records: OutputRow[][];
}

function blockOf(view: OutputView, width: number): Block {
  if (view.kind === 'value') return { head: [{ text: `⇒ ${view.name} = ${typeof view.value === 'string' ? view.value : JSON.stringify(view.value)}`, style: 'value' }], records: [] };
  const layout = layoutTable(view.table, { width });
  return {
    head: [{ text: `⇒ ${tableTitle(view)}`, style: 'title' }, ...layout.header.map((text) => ({ text: `  ${text}`, style: 'header' as const }))],
    records: layout.rows.map((lines) => lines.map((text) => ({ text: `  ${text}`, style: 'cell' as const }))),
  };
}

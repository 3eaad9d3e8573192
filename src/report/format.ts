import { shortDigest } from '../journal/review.js';
import type { Actor } from '../journal/events.js';
import { textGlyph } from '../ui/text-glyphs.js';
import type { ReportRecord, StepStatus, UnitStatus } from './model.js';

/** `0.4s`, `12s`, `3m 04s`, `2h 13m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `2026-11-22 23:13:25 UTC`: times in reports are UTC, whoever reads them and wherever. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** `23:13:25`. */
export function formatClock(iso: string): string {
  return /T(\d\d:\d\d:\d\d)/.exec(iso)?.[1] ?? iso;
}

export function formatActor(actor: Actor): string {
  return `${actor.user}@${actor.host}`;
}

/** A captured value on one line, cut at `max` characters. */
export function formatValue(value: unknown, max = 300): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line saying what a record is: `confirmed by typing "acme-prod" (prompt)`, `decided done: reason (flag)`. */
export function describeRecord(record: ReportRecord): string {
  const how = { prompt: 'at the prompt', flag: 'by flag', checklist: 'by ticking the checklist', policy: 'by policy' }[record.via];
  if (record.kind === 'confirmation') {
    if (record.checklist) return `checklist done${record.checklist.length ? ` (${record.checklist.map((c) => `✓ ${c}`).join(', ')})` : ''}, ${how}`;
    const reviewed = record.review ? ` after reviewing ${record.review.count} item${record.review.count === 1 ? '' : 's'} (sha256 ${shortDigest(record.review.digest)})` : '';
    return `confirmed "${record.phrase ?? ''}" ${how}${reviewed}`;
  }
  return `decided ${record.decision ?? '?'}${record.reason ? `: ${record.reason}` : ''} (${how})`;
}

/** The glyph of a status in text renderings. */
export const statusGlyph = (status: StepStatus | UnitStatus): string => textGlyph(status);

/** How a run condition is said in a heading. */
export function conditionText(condition: string, pausedFor?: string): string {
  switch (condition) {
    case 'succeeded':
      return 'finished';
    case 'failed':
      return 'failed';
    case 'paused':
      return `stopped${pausedFor ? ` (${pausedFor.replace('-', ' ')})` : ''}`;
    case 'crashed':
      return 'stopped without finishing (crashed)';
    case 'abandoned':
      return 'abandoned (ended for good without finishing)';
    default:
      return condition;
  }
}

/** `3 succeeded, 1 failed`: how many units ended how. */
export function countsText(counts: Record<UnitStatus, number>): string {
  return (['succeeded', 'failed', 'unknown', 'skipped', 'running'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`).join(', ') || 'none ran';
}

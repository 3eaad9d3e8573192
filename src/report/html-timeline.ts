import { unitId } from '../journal/events.js';
import { describeRecord, formatActor, formatClock, formatDuration } from './format.js';
import { escapeHtml as esc } from './html-escape.js';
import type { Report, ReportAttempt, ReportRecord, ReportSession, ReportUnit } from './model.js';
import { timeScale, type TimeScale } from './time-scale.js';

const WIDTH = 960;
const LABEL = 190;
const RIGHT = 16;
const AXIS = 26;
const ROW = 22;
const LANE = 14;
const GROUP = 22;

interface Bar {
  unit: ReportUnit;
  attempt: ReportAttempt;
  start: number;
  end: number;
  lane: number;
}

interface Row {
  kind: 'group' | 'step' | 'operator';
  label: string;
  /** Step id, for the link to its section. */
  step?: string;
  bars: Bar[];
  lanes: number;
  marks: ReportRecord[];
}

/**
 * The run as an SVG timeline: one group per host (target), one row per step on it, a bar per attempt from
 * unit-started to unit-finished, coloured by outcome; retries are bars of their own, unknown outcomes are
 * hatched up to the last moment fieldbook was seen alive, and confirmations and decisions are marks.
 * Hover titles carry the details; nothing needs a script.
 */
export function renderTimeline(report: Report): string {
  const rows = layoutRows(report);
  const busy: [number, number][] = [];
  for (const row of rows) {
    for (const bar of row.bars) busy.push([bar.start, bar.end]);
    for (const mark of row.marks) busy.push([Date.parse(mark.at), Date.parse(mark.at)]);
  }
  const resumes = report.run.sessions.filter((s) => s.kind === 'resume');
  for (const session of resumes) busy.push([Date.parse(session.at), Date.parse(session.at)]);
  const start = Date.parse(report.run.startedAt);
  const end = Date.parse(report.run.endedAt);
  const scale = timeScale(start, end, busy, LABEL, WIDTH - RIGHT);
  let y = AXIS;
  const body: string[] = [];
  for (const row of rows) {
    const height = row.kind === 'group' ? GROUP : Math.max(1, row.lanes) * (LANE + 4) + (ROW - LANE - 4);
    body.push(rowSvg(row, y, height, scale, start));
    y += height;
  }
  const height = y + (resumes.length ? 20 : 8);
  const summary = `Timeline of run ${report.run.id}: ${report.targets.length} target${report.targets.length === 1 ? '' : 's'}, ${rows.filter((r) => r.kind === 'step').length} step rows, from ${formatClock(report.run.startedAt)} to ${formatClock(report.run.endedAt)} UTC`;
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="tl-title">`,
    `<title id="tl-title">${esc(summary)}</title>`,
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="unk-bg"/><line x1="0" y1="0" x2="0" y2="6" class="unk-line"/></pattern></defs>',
    axisSvg(scale, start, height),
    ...body,
    ...resumes.map((session) => sessionSvg(session, scale, height)),
    '</svg>',
  ].join('\n');
}

function layoutRows(report: Report): Row[] {
  const rows: Row[] = [];
  const unitMarks = new Map<string, ReportRecord[]>();
  const operatorMarks: ReportRecord[] = [];
  for (const record of report.records) {
    if (record.unit) unitMarks.set(unitId(record.unit), [...(unitMarks.get(unitId(record.unit)) ?? []), record]);
    else operatorMarks.push(record);
  }
  if (operatorMarks.length) rows.push({ kind: 'operator', label: 'operator', bars: [], lanes: 1, marks: operatorMarks });
  for (const target of report.targets) {
    const stepRows: Row[] = [];
    for (const step of report.steps) {
      const units = step.units.filter((u) => u.key.target === target && u.attempts.length > 0);
      if (units.length === 0) continue;
      const bars: Bar[] = [];
      for (const unit of units) {
        for (const attempt of unit.attempts) {
          const s = Date.parse(attempt.startedAt);
          const e = Date.parse(attempt.finishedAt ?? attempt.lastSeenAt ?? attempt.startedAt);
          bars.push({ unit, attempt, start: s, end: Math.max(s, e), lane: 0 });
        }
      }
      const lanes = assignLanes(bars);
      stepRows.push({ kind: 'step', label: step.id, step: step.id, bars, lanes, marks: units.flatMap((u) => unitMarks.get(unitId(u.key)) ?? []) });
    }
    if (stepRows.length === 0) continue;
    rows.push({ kind: 'group', label: target, bars: [], lanes: 0, marks: [] }, ...stepRows);
  }
  return rows;
}

/** Overlapping bars (foreach items in parallel) go to separate lanes of their row. */
function assignLanes(bars: Bar[]): number {
  const laneEnds: number[] = [];
  for (const bar of [...bars].sort((a, b) => a.start - b.start)) {
    let lane = laneEnds.findIndex((end) => end < bar.start);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = bar.end;
    bar.lane = lane;
  }
  return Math.max(1, laneEnds.length);
}

function axisSvg(scale: TimeScale, start: number, height: number): string {
  const parts: string[] = [`<text class="axis-label" x="4" y="16">UTC ${esc(formatClock(new Date(start).toISOString()))}</text>`];
  for (const t of scale.ticks) {
    const x = scale.x(t).toFixed(1);
    parts.push(`<line class="tick" x1="${x}" y1="${AXIS - 6}" x2="${x}" y2="${height - 4}"/>`);
    parts.push(`<text class="axis-label" x="${x}" y="16" text-anchor="middle">${esc(offsetLabel(t - start))}</text>`);
  }
  for (const segment of scale.segments.filter((s) => s.broken)) {
    const x = segment.x0.toFixed(1);
    parts.push(`<rect class="break" x="${x}" y="${AXIS - 6}" width="${(segment.x1 - segment.x0).toFixed(1)}" height="${height - AXIS + 2}"><title>${esc(`nothing happened for ${formatDuration(segment.t1 - segment.t0)} (not to scale)`)}</title></rect>`);
    parts.push(`<text class="axis-label break-label" x="${((segment.x0 + segment.x1) / 2).toFixed(1)}" y="16" text-anchor="middle">⋯${esc(formatDuration(segment.t1 - segment.t0))}</text>`);
  }
  return `<g class="axis">${parts.join('')}</g>`;
}

/** A resume: a dashed line across every row, where a new fieldbook process took the run over. */
function sessionSvg(session: ReportSession, scale: TimeScale, height: number): string {
  const x = scale.x(Date.parse(session.at)).toFixed(1);
  const title = `<title>${esc(`resumed by ${formatActor(session.by)} at ${formatClock(session.at)} UTC (pid ${session.pid})`)}</title>`;
  return `<g class="session"><line class="resume" x1="${x}" y1="${AXIS - 4}" x2="${x}" y2="${height - 14}">${title}</line><text class="resume-label" x="${x}" y="${height - 3}" text-anchor="middle">resumed</text></g>`;
}

function rowSvg(row: Row, y: number, height: number, scale: TimeScale, start: number): string {
  if (row.kind === 'group') {
    return `<g class="group-row"><rect class="group-bg" x="0" y="${y}" width="${WIDTH}" height="${height}"/><text class="group-label" x="6" y="${y + 15}">${esc(row.label)}</text></g>`;
  }
  const parts: string[] = [`<line class="row-line" x1="0" y1="${y + height}" x2="${WIDTH}" y2="${y + height}"/>`];
  const label = row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label;
  parts.push(row.step ? `<a href="#step-${esc(row.step)}"><text class="row-label" x="16" y="${y + 15}">${esc(label)}</text></a>` : `<text class="row-label operator" x="6" y="${y + 15}">${esc(label)}</text>`);
  for (const bar of row.bars) parts.push(barSvg(bar, y + 4 + bar.lane * (LANE + 4), scale, start));
  for (const mark of row.marks) parts.push(markSvg(mark, y + height / 2, scale));
  return `<g class="step-row">${parts.join('')}</g>`;
}

function barSvg(bar: Bar, y: number, scale: TimeScale, start: number): string {
  const { attempt, unit } = bar;
  const x0 = scale.x(bar.start);
  const minWidth = attempt.outcome === 'unknown' ? 10 : 3;
  const width = Math.max(minWidth, scale.x(bar.end) - x0);
  const cls = { succeeded: 'ok', failed: 'fail', unknown: 'unk', running: 'run' }[attempt.outcome];
  const what = `${unit.label} attempt ${attempt.attempt}: ${attempt.outcome}${attempt.exitCode !== undefined ? `, exit ${attempt.exitCode}` : ''}${attempt.reason ? ` (${attempt.reason})` : ''}; started +${formatDuration(bar.start - start)}${attempt.durationMs !== undefined ? `, took ${formatDuration(attempt.durationMs)}` : ''}`;
  const parts = [`<rect class="bar ${cls}" x="${x0.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${LANE}" rx="2"><title>${esc(what)}</title></rect>`];
  const tag = attempt.outcome === 'unknown' ? '?' : attempt.attempt > 1 ? `↻${attempt.attempt}` : attempt.outcome === 'failed' ? '✘' : '';
  if (tag) parts.push(`<text class="bar-tag ${cls}" x="${(x0 + width + 2).toFixed(1)}" y="${y + LANE - 3}">${esc(tag)}</text>`);
  return parts.join('');
}

function markSvg(record: ReportRecord, cy: number, scale: TimeScale): string {
  const x = scale.x(Date.parse(record.at));
  const title = `<title>${esc(`${record.step}${record.unit ? ` ${record.unit.target}` : ''}: ${describeRecord(record)}, by ${formatActor(record.by)} at ${formatClock(record.at)}`)}</title>`;
  if (record.kind === 'confirmation') {
    const r = 6;
    return `<path class="mark confirm" d="M${x.toFixed(1)} ${cy - r} l${r} ${r} l${-r} ${r} l${-r} ${-r} z">${title}</path>`;
  }
  return `<circle class="mark decide" cx="${x.toFixed(1)}" cy="${cy}" r="5">${title}</circle>`;
}

function offsetLabel(ms: number): string {
  if (ms === 0) return '0';
  return `+${formatDuration(ms).replace(/\.0s$/, 's')}`;
}

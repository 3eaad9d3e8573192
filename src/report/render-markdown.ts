import { markdownCell as text, markdownTable, outputViews, tableTitle, unitOutputs } from '../tables/index.js';
import { visibleText } from '../text/visible.js';
import { markdownCode as code, markdownFence } from './markdown-text.js';
import { conditionText, countsText, describeRecord, formatActor, formatDuration, formatTime, formatValue, statusGlyph } from './format.js';
import type { Report, ReportAttempt, ReportStep, ReportUnit } from './model.js';
import { itemLabel } from '../template/record-item.js';

export interface RenderOptions {
  /**
   * Prefix of the links to the logs: the path from where the report is read to the run directory.
   * @default '' (the report sits in the run directory)
   */
  logBase?: string;
}

/** The report as Markdown: for a ticket, a chat, or a terminal. */
export function renderMarkdown(report: Report, options: RenderOptions = {}): string {
  const base = options.logBase ?? '';
  const { run } = report;
  const out: string[] = [];
  out.push(`# ${text(report.runbook.title)}`, '');
  out.push(`Run ${code(run.id)} of runbook ${code(report.runbook.name)} on site ${code(report.site.name)}: **${text(conditionText(run.condition, run.pausedFor))}**.`, '');
  out.push('| | |', '|---|---|');
  // Each value already Markdown for a table cell.
  const rows: [string, string][] = [
    ['Mode', text(run.mode === 'live' ? 'live' : `${run.mode} (nothing changed)`)],
    ['Operator', text(formatActor(run.operator))],
    ['Started', text(formatTime(run.startedAt))],
    [run.finished ? 'Ended' : 'Last event', text(`${formatTime(run.endedAt)} (${formatDuration(run.durationMs)} after the start)`)],
    ['Units', text(countsText(report.run.counts))],
    ['Runbook', `${code(report.runbook.path, 'cell')} (sha256 ${code(report.runbook.sha256.slice(0, 12), 'cell')})`],
    ['Site', `${code(report.site.path, 'cell')} (sha256 ${code(report.site.sha256.slice(0, 12), 'cell')})`],
    ['fieldbook', text(run.fieldbook)],
  ];
  if (run.like) rows.push(['Params like', `run ${code(run.like, 'cell')}`]);
  if (run.waiting?.length) rows.push(['Waiting for', text(run.waiting.join('; '))]);
  for (const [name, value] of rows) out.push(`| ${name} | ${value} |`);
  out.push('');
  if (run.sessions.length > 1) {
    out.push('Sessions:', '');
    for (const s of run.sessions) out.push(`- ${formatTime(s.at)} ${s.kind === 'run' ? 'started' : 'resumed'} by ${text(formatActor(s.by))} (pid ${s.pid})${s.changed?.length ? `, files changed: ${text(s.changed.join(', '))}` : ''}`);
    out.push('');
  }
  // The description is the runbook's own Markdown: kept as Markdown, its control characters made visible.
  if (report.runbook.description) out.push(visibleText(report.runbook.description.trim()), '');

  if (report.params.length) {
    out.push('## Params', '', '| name | value | from |', '|---|---|---|');
    for (const p of report.params) out.push(`| ${text(p.name)} | ${p.secret ? '(secret, not recorded)' : code(formatValue(p.value), 'cell')} | ${text(p.source)} |`);
    out.push('');
  }

  out.push('## Steps', '');
  report.steps.forEach((step, index) => out.push(...stepMarkdown(step, index, base)));

  if (report.unknowns.length) {
    out.push('## Unknown outcomes', '');
    for (const u of report.unknowns) {
      const settled = u.settled ? `settled ${formatTime(u.settled.at)} by ${text(formatActor(u.settled.by))}: ${text(describeRecord(u.settled))}` : 'not settled yet';
      out.push(`- ${code(u.label)} attempt ${u.attempt}, started ${formatTime(u.startedAt)}: ${text(u.reason)}. ${settled}. Ended ${u.finalStatus}.`);
    }
    out.push('');
  }

  if (report.unreviewed.length) {
    out.push('## UNREVIEWED: acted on items not on the reviewed list', '');
    for (const u of report.unreviewed) out.push(`- ${code(u.label)} attempt ${u.attempt}, ${formatTime(u.at)}: ${u.items.map((item) => code(item)).join(', ')}. Ended ${u.finalStatus}.`);
    out.push('');
  }

  if (report.records.length) {
    out.push('## Confirmations and decisions', '', '| when | step | who | what |', '|---|---|---|---|');
    for (const r of report.records) out.push(`| ${formatTime(r.at)} | ${code(r.step, 'cell')}${r.unit ? ` ${text(r.unit.target)}` : ''} | ${text(formatActor(r.by))} | ${text(describeRecord(r))} |`);
    out.push('');
  }

  if (report.notes.length) {
    out.push('## Notes', '');
    for (const n of report.notes) out.push(`- ${formatTime(n.at)}: ${text(n.text)}`);
    out.push('');
  }

  out.push('## Site', '');
  if (report.site.hosts.length) {
    out.push('| host | address | roles |', '|---|---|---|');
    for (const h of report.site.hosts) out.push(`| ${text(h.name)} | ${text(`${h.user ? `${h.user}@` : ''}${h.address}${h.port ? `:${h.port}` : ''}`)} | ${text(h.roles.join(', '))} |`);
    out.push('');
  } else {
    out.push('No SSH hosts.', '');
  }
  if (report.site.kube) out.push(`Kubernetes: via ${text(report.site.kube.via)}${report.site.kube.context ? `, context ${text(report.site.kube.context)}` : ''}${report.site.kube.namespace ? `, namespace ${text(report.site.kube.namespace)}` : ''}.`, '');
  out.push(`---`, `Report by fieldbook ${report.generatedBy}. Times are UTC. Logs are masked: secrets show as \`****\`.`, '');
  return out.join('\n');
}

function stepMarkdown(step: ReportStep, index: number, base: string): string[] {
  const out: string[] = [];
  const tags = [step.destructive ? 'destructive' : '', step.readonly ? 'read-only' : '', step.kind === 'manual' ? 'manual' : ''].filter(Boolean);
  out.push(`### ${statusGlyph(step.status)} ${index + 1}. ${text(step.title)}${step.title !== step.id ? ` (${code(step.id)})` : ''}`, '');
  const facts = [`**${step.status === 'pending' ? 'not run' : step.status}**`];
  if (step.reason) facts.push(text(step.reason));
  if (step.on) facts.push(`on ${text(step.on)}`);
  if (step.durationMs !== undefined) facts.push(formatDuration(step.durationMs));
  if (tags.length) facts.push(tags.join(', '));
  out.push(facts.join(' · '), '');
  for (const record of step.records) out.push(`> ${record.kind === 'confirmation' ? '◆' : '●'} ${formatTime(record.at)} ${text(formatActor(record.by))}${record.unit ? ` for ${text(record.unit.target)}` : ''}: ${text(describeRecord(record))}`, '');
  for (const record of step.records) {
    if (!record.review) continue;
    out.push(`Reviewed list (${record.review.count} item${record.review.count === 1 ? '' : 's'}, sha256 ${code(record.review.digest)}):`, '');
    record.review.items.forEach((item, i) => out.push(`${i + 1}. ${text(itemLabel(item))}`));
    out.push('');
  }
  if (step.units.length) {
    out.push('| unit | outcome | exit | attempts | duration | log |', '|---|---|---|---|---|---|');
    for (const unit of step.units) out.push(unitRow(unit, base));
    out.push('');
  }
  const views = outputViews(step.outputs, unitOutputs(step.units));
  const values = views.filter((v) => v.kind === 'value');
  if (values.length) {
    out.push('Captured:', '');
    for (const { name, value } of values) out.push(`- ${code(name)} = ${code(formatValue(value))}`);
    out.push('');
  }
  // Lists of records and per-host outputs: a table each, every row, every cell whole.
  for (const view of views) if (view.kind !== 'value') out.push(text(tableTitle(view)), '', ...markdownTable(view.table), '');
  for (const unit of step.units) {
    for (const attempt of unit.attempts) {
      const last = attempt === unit.attempts[unit.attempts.length - 1];
      if (!attempt.excerpt?.lines.length || (!last && attempt.outcome === 'succeeded')) continue;
      out.push(`Output of ${code(unit.label)}${unit.attempts.length > 1 ? ` attempt ${attempt.attempt}` : ''} (${attemptText(attempt)})${attempt.excerpt.omitted ? `, last ${attempt.excerpt.lines.length} lines` : ''}:`, '');
      out.push(...markdownFence(attempt.excerpt.lines), '');
    }
  }
  return out;
}

function unitRow(unit: ReportUnit, base: string): string {
  const retries = unit.attempts.length > 1 ? `${unit.attempts.length} (${unit.attempts.map((a) => a.outcome).join(' → ')})` : String(unit.attempts.length);
  // The link's target in <...>: a `)` in a host's name would end a bare one.
  return `| ${code(unit.label, 'cell')} | ${statusGlyph(unit.status)} ${unit.status}${unit.reason ? ` — ${text(unit.reason)}` : ''} | ${unit.exitCode ?? ''} | ${retries} | ${unit.durationMs !== undefined ? formatDuration(unit.durationMs) : ''} | ${unit.log ? `[${text(unit.log)}](<${encodeURI(base + unit.log)}>)` : ''} |`;
}

function attemptText(attempt: ReportAttempt): string {
  return `${attempt.outcome}${attempt.exitCode !== undefined ? `, exit ${attempt.exitCode}` : ''}`;
}

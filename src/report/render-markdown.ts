import { markdownTable, outputViews, tableTitle, unitOutputs } from '../tables/index.js';
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
  out.push(`# ${escapeInline(report.runbook.title)}`, '');
  out.push(`Run \`${run.id}\` of runbook \`${report.runbook.name}\` on site \`${report.site.name}\`: **${conditionText(run.condition, run.pausedFor)}**.`, '');
  out.push('| | |', '|---|---|');
  const rows: [string, string][] = [
    ['Mode', run.mode === 'live' ? 'live' : `${run.mode} (nothing changed)`],
    ['Operator', formatActor(run.operator)],
    ['Started', formatTime(run.startedAt)],
    [run.finished ? 'Ended' : 'Last event', `${formatTime(run.endedAt)} (${formatDuration(run.durationMs)} after the start)`],
    ['Units', countsText(report.run.counts)],
    ['Runbook', `\`${report.runbook.path}\` (sha256 \`${report.runbook.sha256.slice(0, 12)}\`)`],
    ['Site', `\`${report.site.path}\` (sha256 \`${report.site.sha256.slice(0, 12)}\`)`],
    ['fieldbook', run.fieldbook],
  ];
  if (run.like) rows.push(['Params like', `run \`${run.like}\``]);
  if (run.waiting?.length) rows.push(['Waiting for', run.waiting.join('; ')]);
  for (const [name, value] of rows) out.push(`| ${name} | ${cell(value)} |`);
  out.push('');
  if (run.sessions.length > 1) {
    out.push('Sessions:', '');
    for (const s of run.sessions) out.push(`- ${formatTime(s.at)} ${s.kind === 'run' ? 'started' : 'resumed'} by ${formatActor(s.by)} (pid ${s.pid})${s.changed?.length ? `, files changed: ${s.changed.join(', ')}` : ''}`);
    out.push('');
  }
  if (report.runbook.description) out.push(report.runbook.description.trim(), '');

  if (report.params.length) {
    out.push('## Params', '', '| name | value | from |', '|---|---|---|');
    for (const p of report.params) out.push(`| ${p.name} | ${p.secret ? '(secret, not recorded)' : cell(`\`${formatValue(p.value)}\``)} | ${p.source} |`);
    out.push('');
  }

  out.push('## Steps', '');
  report.steps.forEach((step, index) => out.push(...stepMarkdown(step, index, base)));

  if (report.unknowns.length) {
    out.push('## Unknown outcomes', '');
    for (const u of report.unknowns) {
      const settled = u.settled ? `settled ${formatTime(u.settled.at)} by ${formatActor(u.settled.by)}: ${describeRecord(u.settled)}` : 'not settled yet';
      out.push(`- \`${u.label}\` attempt ${u.attempt}, started ${formatTime(u.startedAt)}: ${u.reason}. ${settled}. Ended ${u.finalStatus}.`);
    }
    out.push('');
  }

  if (report.records.length) {
    out.push('## Confirmations and decisions', '', '| when | step | who | what |', '|---|---|---|---|');
    for (const r of report.records) out.push(`| ${formatTime(r.at)} | ${r.unit ? `\`${r.step}\` ${cell(r.unit.target)}` : `\`${r.step}\``} | ${formatActor(r.by)} | ${cell(describeRecord(r))} |`);
    out.push('');
  }

  if (report.notes.length) {
    out.push('## Notes', '');
    for (const n of report.notes) out.push(`- ${formatTime(n.at)}: ${n.text}`);
    out.push('');
  }

  out.push('## Site', '');
  if (report.site.hosts.length) {
    out.push('| host | address | roles |', '|---|---|---|');
    for (const h of report.site.hosts) out.push(`| ${h.name} | ${h.user ? `${h.user}@` : ''}${h.address}${h.port ? `:${h.port}` : ''} | ${h.roles.join(', ')} |`);
    out.push('');
  } else {
    out.push('No SSH hosts.', '');
  }
  if (report.site.kube) out.push(`Kubernetes: via ${report.site.kube.via}${report.site.kube.context ? `, context ${report.site.kube.context}` : ''}${report.site.kube.namespace ? `, namespace ${report.site.kube.namespace}` : ''}.`, '');
  out.push(`---`, `Report by fieldbook ${report.generatedBy}. Times are UTC. Logs are masked: secrets show as \`****\`.`, '');
  return out.join('\n');
}

function stepMarkdown(step: ReportStep, index: number, base: string): string[] {
  const out: string[] = [];
  const tags = [step.destructive ? 'destructive' : '', step.readonly ? 'read-only' : '', step.kind === 'manual' ? 'manual' : ''].filter(Boolean);
  out.push(`### ${statusGlyph(step.status)} ${index + 1}. ${escapeInline(step.title)}${step.title !== step.id ? ` (\`${step.id}\`)` : ''}`, '');
  const facts = [`**${step.status === 'pending' ? 'not run' : step.status}**`];
  if (step.reason) facts.push(escapeInline(step.reason));
  if (step.on) facts.push(`on ${step.on}`);
  if (step.durationMs !== undefined) facts.push(formatDuration(step.durationMs));
  if (tags.length) facts.push(tags.join(', '));
  out.push(facts.join(' · '), '');
  for (const record of step.records) out.push(`> ${record.kind === 'confirmation' ? '◆' : '●'} ${formatTime(record.at)} ${formatActor(record.by)}${record.unit ? ` for ${record.unit.target}` : ''}: ${escapeInline(describeRecord(record))}`, '');
  for (const record of step.records) {
    if (!record.review) continue;
    out.push(`Reviewed list (${record.review.count} item${record.review.count === 1 ? '' : 's'}, sha256 \`${record.review.digest}\`):`, '');
    record.review.items.forEach((item, i) => out.push(`${i + 1}. ${escapeInline(itemLabel(item))}`));
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
    for (const { name, value } of values) out.push(`- \`${name}\` = \`${formatValue(value).replace(/`/g, "'")}\``);
    out.push('');
  }
  // Lists of records and per-host outputs: a table each, every row, every cell whole.
  for (const view of views) if (view.kind !== 'value') out.push(escapeInline(tableTitle(view)), '', ...markdownTable(view.table), '');
  for (const unit of step.units) {
    for (const attempt of unit.attempts) {
      const last = attempt === unit.attempts[unit.attempts.length - 1];
      if (!attempt.excerpt?.lines.length || (!last && attempt.outcome === 'succeeded')) continue;
      out.push(`Output of \`${unit.label}\`${unit.attempts.length > 1 ? ` attempt ${attempt.attempt}` : ''} (${attemptText(attempt)})${attempt.excerpt.omitted ? `, last ${attempt.excerpt.lines.length} lines` : ''}:`, '');
      out.push(...fenced(attempt.excerpt.lines), '');
    }
  }
  return out;
}

function unitRow(unit: ReportUnit, base: string): string {
  const retries = unit.attempts.length > 1 ? `${unit.attempts.length} (${unit.attempts.map((a) => a.outcome).join(' → ')})` : String(unit.attempts.length);
  return `| \`${unit.label}\` | ${statusGlyph(unit.status)} ${unit.status}${unit.reason ? ` — ${cell(unit.reason)}` : ''} | ${unit.exitCode ?? ''} | ${retries} | ${unit.durationMs !== undefined ? formatDuration(unit.durationMs) : ''} | ${unit.log ? `[${unit.log}](${encodeURI(base + unit.log)})` : ''} |`;
}

function attemptText(attempt: ReportAttempt): string {
  return `${attempt.outcome}${attempt.exitCode !== undefined ? `, exit ${attempt.exitCode}` : ''}`;
}


/** A code block whose fence is longer than any backtick run inside it. */
function fenced(lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...lines, fence];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escapeInline(text: string): string {
  return text.replace(/([\\*_[\]<>])/g, '\\$1').replace(/\r?\n/g, ' ');
}

import type { Review } from '../journal/events.js';
import { outputViews, tableTitle, unitOutputs } from '../tables/index.js';
import { itemLabel } from '../template/record-item.js';
import { conditionText, countsText, describeRecord, formatActor, formatDuration, formatTime, formatValue, statusGlyph } from './format.js';
import { escapeHtml as esc } from './html-escape.js';
import { REPORT_CSS } from './html-style.js';
import { renderTimeline } from './html-timeline.js';
import type { Report, ReportAttempt, ReportRecord, ReportStep, ReportUnit } from './model.js';
import type { RenderOptions } from './render-markdown.js';

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched (a
 * Content-Security-Policy forbids it), readable on a phone and printable. The only links are to the run's logs,
 * relative to `logBase`.
 */
export function renderHtml(report: Report, options: RenderOptions = {}): string {
  const base = options.logBase ?? '';
  const { run } = report;
  const title = `${report.runbook.title} — ${report.site.name} — ${conditionText(run.condition, run.pausedFor)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="fieldbook ${esc(report.generatedBy)}">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${header(report)}
<main>
${toc(report)}
<section id="timeline"><h2>Timeline</h2>
<div class="card"><p class="scroll-hint">Scroll sideways to see the whole timeline.</p><div class="scroll">${renderTimeline(report)}</div>${legend()}</div>
</section>
<section id="steps"><h2>Steps</h2>
${report.steps.map((step, i) => stepHtml(step, i, base)).join('\n')}
</section>
${unknownsHtml(report)}
${unreviewedHtml(report)}
${recordsHtml(report)}
${paramsHtml(report)}
${siteHtml(report)}
${historyHtml(report)}
<footer>Report of run <code>${esc(run.id)}</code> by fieldbook ${esc(report.generatedBy)} (the run: fieldbook ${esc(run.fieldbook)}). Times are UTC. Outputs and logs are masked: secrets show as <code>****</code>. Log links are relative to the run directory.</footer>
</main>
</body>
</html>
`;
}

function header(report: Report): string {
  const { run } = report;
  const facts: [string, string][] = [
    ['Operator', esc(formatActor(run.operator))],
    ['Started', esc(formatTime(run.startedAt))],
    [run.finished ? 'Ended' : 'Last event', esc(formatTime(run.endedAt))],
    ['Duration', esc(formatDuration(run.durationMs))],
    ['Units', esc(countsText(report.run.counts))],
    ['Sessions', esc(`${run.sessions.length} (${run.sessions.length - 1} resume${run.sessions.length === 2 ? '' : 's'})`)],
  ];
  if (run.like) facts.push(['Params like run', `<code>${esc(run.like)}</code>`]);
  if (run.waiting?.length) facts.push(['Waiting for', esc(run.waiting.join('; '))]);
  return `<header class="run-header ${run.condition}"><div>
<p class="eyebrow">fieldbook run report</p>
<h1>${esc(report.runbook.title)}</h1>
<p class="verdict"><span class="badge ${run.condition}">${esc(capitalise(conditionText(run.condition, run.pausedFor)))}</span> <span class="badge mode">${esc(run.mode)}</span>
run <code>${esc(run.id)}</code> · runbook <code>${esc(report.runbook.name)}</code> · site <code>${esc(report.site.name)}</code></p>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
</div></header>`;
}

function toc(report: Report): string {
  const items = report.steps.map((s) => `<li><a href="#step-${esc(s.id)}"><span class="st-${s.status === 'running' ? 'running' : s.status}">${statusGlyph(s.status)}</span> ${esc(s.id)}</a></li>`);
  return `<nav class="toc" aria-label="Steps"><ol>${items.join('')}</ol></nav>`;
}

function legend(): string {
  const swatch = (cls: string) => `<svg width="18" height="10" aria-hidden="true"><rect width="18" height="10" rx="2" class="${cls}" style="fill:var(--${cls})"/></svg>`;
  return `<ul class="legend">
<li>${swatch('ok')}succeeded</li><li>${swatch('fail')}failed</li>
<li><svg width="18" height="10" aria-hidden="true"><rect width="18" height="10" rx="2" style="fill:var(--unk-bg);stroke:var(--unk)"/></svg>outcome unknown (fieldbook stopped)</li>
<li>${swatch('run')}running</li><li>↻<i>n</i> retry or re-run, attempt <i>n</i></li>
<li><svg width="12" height="12" aria-hidden="true"><path d="M6 0 l6 6 l-6 6 l-6 -6 z" style="fill:var(--accent)"/></svg>confirmation</li>
<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" style="fill:var(--unk)"/></svg>decision</li>
<li><svg width="12" height="12" aria-hidden="true"><line x1="6" y1="0" x2="6" y2="12" style="stroke:var(--accent);stroke-dasharray:3 2"/></svg>resumed</li>
<li>⋯ a long idle gap, not to scale</li></ul>`;
}

function stepHtml(step: ReportStep, index: number, base: string): string {
  const unknown = step.units.some((u) => u.status === 'unknown');
  const cls = unknown ? 'unknown' : step.status;
  const tags = [step.destructive ? '<span class="tag destructive">destructive</span>' : '', step.readonly ? '<span class="tag">read-only</span>' : '', step.kind && step.kind !== 'run' ? `<span class="tag">${esc(step.kind)}</span>` : ''].filter(Boolean).join(' ');
  const meta = [`<span class="st-${step.status}">${esc(step.status === 'pending' ? 'not run' : step.status)}</span>`];
  if (step.on) meta.push(`on ${esc(step.on)}`);
  if (step.durationMs !== undefined) meta.push(esc(formatDuration(step.durationMs)));
  if (step.startedAt) meta.push(`started ${esc(formatTime(step.startedAt))}`);
  if (step.reason) meta.push(esc(step.reason));
  const parts = [
    `<article class="step ${cls}" id="step-${esc(step.id)}">`,
    `<h3><span class="glyph">${statusGlyph(unknown ? 'unknown' : step.status)}</span> ${index + 1}. ${esc(step.title)} <code>${esc(step.id)}</code> ${tags}</h3>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
  ];
  if (step.description) parts.push(`<div class="desc">${prose(step.description)}</div>`);
  if (step.records.length) parts.push(`<ul class="records">${step.records.map(recordHtml).join('')}</ul>`);
  for (const record of step.records) if (record.review) parts.push(reviewHtml(record.review));
  if (step.units.length) parts.push(unitsTable(step.units, base));
  parts.push(...outputsHtml(step));
  for (const unit of step.units) parts.push(...excerpts(unit, base));
  parts.push('</article>');
  return parts.join('\n');
}

/** Outputs: values in a list (cut at 600 characters, as ever); lists of records and per-host outputs as tables, whole. */
function outputsHtml(step: ReportStep): string[] {
  const parts: string[] = [];
  let values: string[] = [];
  const flush = () => {
    if (values.length) parts.push(`<dl class="outputs">${values.join('')}</dl>`);
    values = [];
  };
  for (const view of outputViews(step.outputs, unitOutputs(step.units))) {
    if (view.kind === 'value') {
      values.push(`<dt>${esc(view.name)}</dt><dd>${esc(formatValue(view.value, 600))}</dd>`);
      continue;
    }
    flush();
    const head = view.table.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('');
    const rows = view.table.rows.map((row) => `<tr>${row.map((cell, i) => `<td data-label="${esc(view.table.columns[i]!)}">${esc(cell)}</td>`).join('')}</tr>`);
    parts.push(`<figure class="records"><figcaption>${esc(tableTitle(view))}</figcaption><table class="records stack"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></figure>`);
  }
  flush();
  return parts;
}

/** The list a confirmation reviewed, every item (a long list folds, open in print). */
function reviewHtml(review: Review): string {
  const items = review.items.map((item) => `<li><code>${esc(itemLabel(item))}</code></li>`).join('');
  return `<details class="review" open><summary>Reviewed list: ${review.count} item${review.count === 1 ? '' : 's'} <span class="who">sha256 ${esc(review.digest)}</span></summary><ol class="review">${items}</ol></details>`;
}

function recordHtml(record: ReportRecord): string {
  const icon = record.kind === 'confirmation' ? '◆' : '●';
  return `<li class="record ${record.kind}"><span class="icon" aria-hidden="true">${icon}</span> <strong>${esc(capitalise(record.kind))}</strong>${record.unit ? ` for <code>${esc(record.unit.target)}</code>` : ''}: ${esc(describeRecord(record))} <span class="who">— ${esc(formatActor(record.by))}, ${esc(formatTime(record.at))}</span></li>`;
}

function unitsTable(units: readonly ReportUnit[], base: string): string {
  const rows = units.map((u) => {
    const attempts = u.attempts.length > 1 ? `${u.attempts.length}: ${u.attempts.map((a) => `${statusGlyph(a.outcome === 'running' ? 'running' : a.outcome)}${a.exitCode !== undefined ? ` ${a.exitCode}` : ''}`).join(' → ')}` : String(u.attempts.length);
    return `<tr><td data-label="unit"><code>${esc(u.label)}</code></td><td data-label="outcome"><span class="st-${u.status}">${statusGlyph(u.status)} ${esc(u.status)}</span>${u.reason ? ` — ${esc(u.reason)}` : ''}</td><td data-label="exit">${u.exitCode ?? ''}</td><td data-label="attempts" class="attempts">${esc(attempts)}</td><td data-label="duration">${u.durationMs !== undefined ? esc(formatDuration(u.durationMs)) : ''}</td><td data-label="log">${u.log ? logLink(u.log, base) : ''}</td></tr>`;
  });
  return `<table class="units stack"><thead><tr><th>unit</th><th>outcome</th><th>exit</th><th>attempts</th><th>duration</th><th>log</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function excerpts(unit: ReportUnit, base: string): string[] {
  const shown: string[] = [];
  unit.attempts.forEach((attempt: ReportAttempt, i) => {
    const last = i === unit.attempts.length - 1;
    if (!attempt.excerpt?.lines.length || (!last && attempt.outcome === 'succeeded')) return;
    const caption = `Output of <code>${esc(unit.label)}</code>${unit.attempts.length > 1 ? ` attempt ${attempt.attempt}` : ''} (${esc(attempt.outcome)}${attempt.exitCode !== undefined ? `, exit ${attempt.exitCode}` : ''})${attempt.excerpt.omitted ? `, last ${attempt.excerpt.lines.length} lines` : ''}${unit.log ? ` · ${logLink(unit.log, base, 'full log')}` : ''}`;
    shown.push(`<figure class="excerpt"><figcaption>${caption}</figcaption><pre>${esc(attempt.excerpt.lines.join('\n'))}</pre></figure>`);
  });
  return shown;
}

function logLink(log: string, base: string, text = log): string {
  return `<a class="log" href="${esc(encodeURI(base + log))}">${esc(text)}</a>`;
}

function unknownsHtml(report: Report): string {
  if (!report.unknowns.length) return '';
  const rows = report.unknowns.map((u) => {
    const settled = u.settled ? `${esc(describeRecord(u.settled))} <span class="who">— ${esc(formatActor(u.settled.by))}, ${esc(formatTime(u.settled.at))}</span>` : '<span class="st-unknown">not settled yet</span>';
    return `<tr><td data-label="unit"><code>${esc(u.label)}</code> #${u.attempt}</td><td data-label="started">${esc(formatTime(u.startedAt))}</td><td data-label="why">${esc(u.reason)}</td><td data-label="settled">${settled}</td><td data-label="ended"><span class="st-${u.finalStatus}">${esc(u.finalStatus)}</span></td></tr>`;
  });
  return `<section id="unknowns"><h2>Unknown outcomes</h2><div class="card"><table class="stack"><thead><tr><th>unit</th><th>started</th><th>why unknown</th><th>settled</th><th>ended</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function unreviewedHtml(report: Report): string {
  if (!report.unreviewed.length) return '';
  const rows = report.unreviewed.map(
    (u) => `<tr><td data-label="unit"><code>${esc(u.label)}</code> #${u.attempt}</td><td data-label="when">${esc(formatTime(u.at))}</td><td data-label="items">${u.items.map((item) => `<code>${esc(item)}</code>`).join(', ')}</td><td data-label="ended"><span class="st-${u.finalStatus}">${esc(u.finalStatus)}</span></td></tr>`,
  );
  return `<section id="unreviewed"><h2>UNREVIEWED: acted on items not on the reviewed list</h2><div class="card"><table class="stack"><thead><tr><th>unit</th><th>when</th><th>items</th><th>ended</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function recordsHtml(report: Report): string {
  if (!report.records.length) return '';
  const rows = report.records.map((r) => `<tr><td data-label="when">${esc(formatTime(r.at))}</td><td data-label="step"><a href="#step-${esc(r.step)}">${esc(r.step)}</a>${r.unit ? ` <code>${esc(r.unit.target)}</code>` : ''}</td><td data-label="kind">${esc(r.kind)}</td><td data-label="who">${esc(formatActor(r.by))}</td><td data-label="what">${esc(describeRecord(r))}</td></tr>`);
  return `<section id="records"><h2>Confirmations and decisions</h2><div class="card"><table class="stack"><thead><tr><th>when</th><th>step</th><th>kind</th><th>who</th><th>what</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function paramsHtml(report: Report): string {
  if (!report.params.length) return '';
  const rows = report.params.map((p) => `<tr><td data-label="param"><code>${esc(p.name)}</code></td><td data-label="value">${p.secret ? '<em>secret, not recorded</em>' : `<code>${esc(formatValue(p.value))}</code>`}</td><td data-label="from">${esc(p.source)}</td></tr>`);
  return `<section id="params"><h2>Params</h2><div class="card"><table class="stack"><thead><tr><th>param</th><th>value</th><th>from</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function siteHtml(report: Report): string {
  const { site } = report;
  const hosts = site.hosts.length
    ? `<table class="stack"><thead><tr><th>host</th><th>address</th><th>roles</th></tr></thead><tbody>${site.hosts.map((h) => `<tr><td data-label="host"><code>${esc(h.name)}</code></td><td data-label="address">${esc(`${h.user ? `${h.user}@` : ''}${h.address}${h.port ? `:${h.port}` : ''}`)}</td><td data-label="roles">${esc(h.roles.join(', '))}</td></tr>`).join('')}</tbody></table>`
    : '<p>No SSH hosts: every step ran on the operator\'s machine or through kubectl.</p>';
  const kube = site.kube ? `<p>Kubernetes: via <code>${esc(site.kube.via)}</code>${site.kube.context ? `, context <code>${esc(site.kube.context)}</code>` : ''}${site.kube.namespace ? `, namespace <code>${esc(site.kube.namespace)}</code>` : ''}.</p>` : '';
  return `<section id="site"><h2>Site <code>${esc(site.name)}</code></h2><div class="card">${site.description ? `<div class="desc">${prose(site.description)}</div>` : ''}${hosts}${kube}
<p class="meta">Site file <code>${esc(site.path)}</code>, sha256 <code>${esc(site.sha256.slice(0, 16))}</code>. Runbook file <code>${esc(report.runbook.path)}</code>, sha256 <code>${esc(report.runbook.sha256.slice(0, 16))}</code>.</p></div></section>`;
}

function historyHtml(report: Report): string {
  const sessions = report.run.sessions.map((s) => `<li>${esc(formatTime(s.at))}: ${s.kind === 'run' ? 'started' : 'resumed'} by ${esc(formatActor(s.by))} (pid ${s.pid})${s.changed?.length ? `; files changed: ${esc(s.changed.join(', '))}` : ''}</li>`);
  const notes = report.notes.map((n) => `<li>${esc(formatTime(n.at))}: ${esc(n.text)}</li>`);
  return `<section id="history"><h2>Sessions and notes</h2><div class="card"><ul class="sessions">${sessions.join('')}</ul>${notes.length ? `<ul class="notes">${notes.join('')}</ul>` : ''}</div></section>`;
}

/** Runbook prose (Markdown) as paragraphs, with `code` spans; anything else stays text. */
function prose(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${esc(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}


function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

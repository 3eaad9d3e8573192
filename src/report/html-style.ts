/** The report's whole stylesheet: system fonts only, a phone layout below 640px, and a print layout. */
export const REPORT_CSS = `
:root {
  --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea; --paper: #fff; --wash: #f5f7fa;
  --ok: #1f8a4c; --ok-bg: #e5f5ec; --fail: #c8322d; --fail-bg: #fbe9e8; --unk: #b86e00; --unk-bg: #fff3dc;
  --run: #2f6fd0; --run-bg: #e6effc; --skip: #8a93a3; --skip-bg: #eef0f3; --accent: #33415c;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--wash); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 0 16px 48px; }
code, pre, .mono { font-family: var(--mono); font-size: 0.88em; }
code { background: var(--wash); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
a { color: var(--run); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 4px 0 8px; }
h2 { font-size: 1.2rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.run-header { background: var(--paper); border-bottom: 4px solid var(--accent); padding: 20px 16px 16px; }
.run-header > div { max-width: 1040px; margin: 0 auto; }
.run-header.succeeded { border-color: var(--ok); } .run-header.failed { border-color: var(--fail); }
.run-header.crashed, .run-header.paused, .run-header.abandoned { border-color: var(--unk); } .run-header.running { border-color: var(--run); }
.eyebrow { margin: 0; color: var(--muted); font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; }
.verdict { margin: 0 0 12px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 0.9rem; }
.badge.succeeded { background: var(--ok-bg); color: var(--ok); } .badge.failed { background: var(--fail-bg); color: var(--fail); }
.badge.crashed, .badge.paused, .badge.abandoned { background: var(--unk-bg); color: var(--unk); } .badge.running { background: var(--run-bg); color: var(--run); }
.badge.mode { background: var(--skip-bg); color: var(--ink); font-weight: 500; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px 16px; margin: 0; }
.facts div { min-width: 0; }
.facts dt { color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.toc ol { list-style: none; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
.toc a { display: inline-block; padding: 2px 8px; border-radius: 6px; text-decoration: none; background: var(--paper); border: 1px solid var(--line); color: var(--ink); font-size: 0.85rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
.scroll-hint { display: none; margin: 0 0 6px; color: var(--muted); font-size: 0.8rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
svg.timeline { display: block; width: 100%; min-width: 640px; height: auto; font: 11px system-ui, sans-serif; }
.timeline .axis-label { fill: var(--muted); } .timeline .tick { stroke: var(--line); }
.timeline .break { fill: var(--wash); stroke: var(--skip); stroke-dasharray: 3 3; }
.timeline .group-bg { fill: var(--wash); } .timeline .group-label { font-weight: 700; fill: var(--ink); }
.timeline .row-label { fill: var(--ink); } .timeline .row-label.operator { font-style: italic; fill: var(--muted); }
.timeline .row-line { stroke: var(--line); }
.timeline .resume { stroke: var(--accent); stroke-dasharray: 4 3; } .timeline .resume-label { fill: var(--accent); font-size: 10px; }
.timeline .bar { stroke: var(--paper); stroke-width: 1; }
.timeline .bar.ok { fill: var(--ok); } .timeline .bar.fail { fill: var(--fail); } .timeline .bar.run { fill: var(--run); }
.timeline .bar.unk { fill: url(#hatch); stroke: var(--unk); }
.timeline .unk-bg { fill: var(--unk-bg); } .timeline .unk-line { stroke: var(--unk); stroke-width: 3; }
.timeline .bar-tag { font-weight: 700; } .timeline .bar-tag.ok { fill: var(--ok); } .timeline .bar-tag.fail { fill: var(--fail); } .timeline .bar-tag.unk { fill: var(--unk); }
.timeline .mark.confirm { fill: var(--accent); stroke: var(--paper); } .timeline .mark.decide { fill: var(--unk); stroke: var(--paper); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: 0.85rem; }
.legend svg { vertical-align: -2px; margin-right: 4px; }
.step { background: var(--paper); border: 1px solid var(--line); border-left: 5px solid var(--skip); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.step.succeeded { border-left-color: var(--ok); } .step.failed { border-left-color: var(--fail); } .step.running { border-left-color: var(--run); }
.step.unknown { border-left-color: var(--unk); }
.glyph { font-weight: 700; } .succeeded > h3 .glyph, .st-succeeded { color: var(--ok); } .failed > h3 .glyph, .st-failed { color: var(--fail); }
[class^='st-'] { white-space: nowrap; }
.st-unknown { color: var(--unk); } .st-running { color: var(--run); } .st-skipped, .st-pending { color: var(--skip); }
.meta { color: var(--muted); margin: 4px 0 8px; font-size: 0.9rem; }
.tag { display: inline-block; font-size: 0.75rem; padding: 0 6px; border-radius: 4px; background: var(--skip-bg); color: var(--ink); }
.tag.destructive { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
.desc { color: var(--muted); font-size: 0.92rem; } .desc p { margin: 4px 0; }
.records { list-style: none; margin: 8px 0; padding: 0; }
.record { border-radius: 6px; padding: 6px 10px; margin: 4px 0; background: var(--run-bg); font-size: 0.92rem; }
.record.decision { background: var(--unk-bg); }
.record .icon { color: var(--accent); } .record.decision .icon { color: var(--unk); }
.record .who { color: var(--muted); white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: 0.8rem; border-bottom: 1px solid var(--line); padding: 4px 8px 4px 0; }
td { border-bottom: 1px solid var(--line); padding: 5px 8px 5px 0; vertical-align: top; overflow-wrap: anywhere; }
.attempts { font-size: 0.85rem; color: var(--muted); }
details.review { margin: 8px 0; } details.review ol { margin: 4px 0; max-height: 24rem; overflow: auto; font-size: 0.85rem; } @media print { details.review ol { max-height: none; } }
.outputs { margin: 8px 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 0.9rem; }
.outputs dt { font-family: var(--mono); font-size: 0.85rem; } .outputs dd { margin: 0; overflow-wrap: anywhere; font-family: var(--mono); font-size: 0.85rem; }
figure.records { margin: 10px 0 0; }
figure.records figcaption { font-size: 0.82rem; color: var(--muted); margin-bottom: 2px; font-family: var(--mono); }
table.records td { font-family: var(--mono); font-size: 0.82rem; white-space: pre-wrap; }
table.records th { font-family: var(--mono); text-transform: none; }
table.records tbody tr:nth-child(even) td { background: var(--wash); }
figure.excerpt { margin: 10px 0 0; }
figure.excerpt figcaption { font-size: 0.82rem; color: var(--muted); margin-bottom: 2px; }
pre { margin: 0; background: #1f2430; color: #e6e9ef; padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.8rem; line-height: 1.4; }
.notes li, .sessions li { margin: 2px 0; }
footer { color: var(--muted); font-size: 0.8rem; margin-top: 32px; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main { padding: 0 10px 32px; }
  .run-header { padding: 14px 10px 12px; }
  h1 { font-size: 1.3rem; }
  .facts { grid-template-columns: 1fr 1fr; }
  .step { padding: 10px; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: 4px 0; }
  table.stack td { display: flex; gap: 8px; border: 0; padding: 1px 0; }
  table.stack td::before { content: attr(data-label); flex: 0 0 6.5em; color: var(--muted); font-size: 0.8rem; }
  .outputs { grid-template-columns: 1fr; } .outputs dd { margin-bottom: 6px; }
  table.records.stack td::before { flex-basis: 9em; font-family: var(--mono); overflow-wrap: anywhere; }
  .scroll-hint { display: block; }
}
@media print {
  @page { margin: 14mm 12mm; }
  body { background: #fff; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  .run-header { padding: 0 0 10px; }
  .toc, .scroll-hint { display: none; }
  .scroll { overflow: visible; }
  svg.timeline { min-width: 0; }
  .step, .card, figure.excerpt, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  pre { background: #f3f4f6; color: #111; border: 1px solid #ccc; white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
  a.log::after { content: " (" attr(href) ")"; font-size: 0.8em; color: var(--muted); }
}
`;

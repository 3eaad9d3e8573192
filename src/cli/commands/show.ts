import { unitId, unitLabel } from '../../journal/events.js';
import { findRun } from '../../journal/run-dir.js';
import type { StepState } from '../../journal/state.js';
import { layoutTable, outputViews, tableLines, tableTitle, unitOutputs } from '../../tables/index.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { textGlyph, type TextStatus } from '../../ui/text-glyphs.js';
import { isOpen, summarizeRun, waitingText } from '../run-summary.js';
import { runsDirOf } from '../runs-dir.js';
import { itemLabel } from '../../template/record-item.js';
import { safeJson, visibleText } from '../../text/visible.js';

const options = { 'runs-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const showCommand: CommandSpec<typeof options> = {
  name: 'show',
  summary: "Show one run's steps, hosts, outcomes, confirmations and decisions.",
  usage: 'fieldbook show <run> [--runs-dir <dir>] [--json]',
  help: '<run>              a run id or a run directory\n--json             the replayed state as JSON',
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    const summary = await summarizeRun(paths);
    const { state } = summary;
    if (values.json) {
      const steps = [...state.steps.values()].map((s) => ({ ...s, units: [...s.units.values()] }));
      println(io.stdout, safeJson({ ...state, condition: summary.condition, open: isOpen(summary), steps, dir: paths.dir }, 2));
      return 0;
    }
    // On a terminal, tables are fitted to its width (long cells wrap); into a pipe or a file they are laid out whole.
    const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : undefined;
    const lines = [
      `run ${state.runId}: ${summary.condition}${summary.condition === 'running' && summary.holder ? ` (${summary.holder})` : ''}`,
      `  runbook ${state.runbook.name} — ${state.runbook.title}`,
      `  site ${state.site.name} · mode ${state.mode} · started ${state.startedAt} by ${state.startedBy.user}@${state.startedBy.host}${state.endedAt ? ` · ended ${state.endedAt}` : ''}`,
      `  directory ${paths.dir}`,
    ];
    if (state.like) lines.push(`  params like run ${state.like}`);
    const waiting = waitingText(summary);
    if (waiting) lines.push(`  ${waiting}`);
    if (state.actedDestructively.length) lines.push(`  destructive steps run: ${state.actedDestructively.join(', ')}`);
    if (isOpen(summary)) lines.push(`  open: a new live run on site ${state.site.name} is refused until this one is resumed to its end or abandoned`);
    lines.push('');
    for (const step of state.steps.values()) {
      lines.push(`${glyph(step.status)} ${step.id} ${step.status}${step.reason ? ` (${step.reason})` : ''}`);
      for (const unit of step.units.values()) {
        const status = unit.status === 'started' && summary.condition !== 'running' ? 'unknown' : unit.status;
        lines.push(`    ${glyph(status)} ${unitLabel(unit.key)} ${status}${unit.exitCode !== undefined ? ` exit ${unit.exitCode}` : ''}${unit.attempt > 1 ? ` attempt ${unit.attempt}` : ''}${unit.reason ? ` — ${unit.reason}` : ''}`);
        // Kept whatever was decided after (marked done, skipped, run again): the record names what nobody reviewed.
        for (const act of state.unreviewed.filter((a) => unitId(a.unit) === unitId(unit.key))) {
          lines.push(`      UNREVIEWED (attempt ${act.attempt}, ${act.at}): acted on ${act.items.length} item${act.items.length === 1 ? '' : 's'} not on the reviewed list: ${act.items.join(', ')}`);
        }
      }
      lines.push(...outputLines(step, width));
      if (step.review) {
        lines.push(`    reviewed list: ${step.review.count} item${step.review.count === 1 ? '' : 's'} (sha256 ${step.review.digest})`);
        step.review.items.forEach((item, i) => lines.push(`      ${String(i + 1).padStart(String(step.review!.count).length)}. ${itemLabel(item)}`));
      }
    }
    if (state.records.length) {
      lines.push('', 'confirmations and decisions:');
      for (const r of state.records) lines.push(`  ${r.at} ${r.step}${r.unit ? ` ${unitLabel(r.unit)}` : ''}: ${r.kind} by ${r.by.user}@${r.by.host}: ${r.text}`);
    }
    // Titles, reasons, outputs and list items come from runbooks and hosts: none of it may drive the terminal.
    println(io.stdout, visibleText(lines.join('\n')));
    return 0;
  },
};

function glyph(status: TextStatus | 'started'): string {
  return textGlyph(status === 'started' ? 'running' : status);
}

/** A step's outputs: a value on one line (cut at 100 characters), a table of records whole, every row. */
function outputLines(step: StepState, width: number | undefined): string[] {
  return outputViews(step.outputs, unitOutputs(step.units.values())).flatMap((view) => {
    if (view.kind === 'value') return [`    ${view.name} = ${truncate(JSON.stringify(view.value))}`];
    const table = layoutTable(view.table, width === undefined ? {} : { width: width - 6 });
    return [`    ${tableTitle(view)}`, ...tableLines(table).map((line) => `      ${line}`)];
  });
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

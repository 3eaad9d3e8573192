import type { EngineEvent } from '../../engine/events.js';
import { assertNever } from '../../errors.js';
import { unitLabel } from '../../journal/events.js';
import { shortDigest } from '../../journal/review.js';
import { itemLabel } from '../../template/record-item.js';
import { finishedLine, pausedLines } from '../end-summary.js';
import { textGlyph } from '../text-glyphs.js';

/** Longest output line printed as one; longer ones are split (a step printing without newlines). */
const MAX_LINE = 4096;

const MODE_BANNER = { live: 'LIVE', 'dry-run': 'DRY-RUN (nothing runs, nothing connects)', rehearse: 'REHEARSAL (only readonly steps run)' } as const;

/**
 * One line per state change plus prefixed output lines: for CI logs, `tee`, and terminals without the TUI.
 * Output is split into whole lines per unit so interleaved hosts stay readable.
 */
export function createPlainRenderer(write: (text: string) => void): { render(event: EngineEvent): void; flush(): void } {
  const partial = new Map<string, string>();
  let total = 0;
  const order = new Map<string, number>();
  const flushUnit = (key: string) => {
    const rest = partial.get(key);
    if (rest) write(`  ${key} | ${rest}\n`);
    partial.delete(key);
  };
  const render = (event: EngineEvent): void => {
    switch (event.type) {
      case 'run-started':
        total = event.steps.length;
        event.steps.forEach((s, i) => order.set(s.id, i + 1));
        write(`${event.resumed ? 'Resuming' : 'Starting'} run ${event.runId} — ${MODE_BANNER[event.mode]}\n  ${event.title} [${event.runbook}] on site ${event.site}\n  run directory: ${event.runDir}\n`);
        return;
      case 'notice':
        write(`note: ${event.text}\n`);
        return;
      case 'step-started':
        write(`▶ [${order.get(event.step) ?? '?'}/${total}] ${event.step}${event.units > 1 ? ` (${event.units} ${event.items ? 'items' : 'hosts'})` : ''}\n`);
        return;
      case 'step-skipped':
        write(`- [${order.get(event.step) ?? '?'}/${total}] ${event.step} skipped: ${event.reason}\n`);
        return;
      case 'would-run':
        write(`  would run ${event.step}${event.confirm ? ` after the operator types "${event.confirm}"` : ''}:\n`);
        for (const inv of event.invocations) write(`    on ${inv.target}${inv.item !== undefined ? ` for ${inv.item}` : ''}:\n${inv.command.split('\n').map((l) => `      │ ${l}`).join('\n')}\n`);
        if (event.captures.length) write(`    would capture: ${event.captures.join(', ')}\n`);
        return;
      case 'unit-started':
        if (event.attempt > 1) write(`  ${unitLabel(event.unit)}: attempt ${event.attempt}\n`);
        return;
      case 'output': {
        // Whole lines, prefixed, in one write per event. A line that never ends is cut at MAX_LINE, so output
        // without newlines cannot grow the pending text (or the cost of scanning it) without bound.
        // The prefix goes in with one replaceAll over the chunk's whole lines (splitting it into an array of
        // lines cost twice as much for a chatty step).
        const key = unitLabel(event.unit);
        const prefix = `  ${key} | `;
        const text = (partial.get(key) ?? '') + event.text;
        const end = text.lastIndexOf('\n') + 1;
        let out = end > 0 ? `${prefix}${text.slice(0, end - 1).replaceAll('\n', `\n${prefix}`)}\n` : '';
        let rest = text.slice(end);
        for (; rest.length > MAX_LINE; rest = rest.slice(MAX_LINE)) out += `${prefix}${rest.slice(0, MAX_LINE)}\n`;
        partial.set(key, rest);
        if (out !== '') write(out);
        return;
      }
      case 'unit-finished': {
        const key = unitLabel(event.unit);
        flushUnit(key);
        write(`  ${textGlyph(event.outcome)} ${key} ${event.outcome}${event.exitCode !== undefined ? ` (exit ${event.exitCode})` : ''}${event.reason ? `: ${event.reason}` : ''} in ${(event.durationMs / 1000).toFixed(1)}s\n`);
        return;
      }
      case 'unit-skipped':
        write(`  - ${unitLabel(event.unit)} skipped: ${event.reason}\n`);
        return;
      case 'retrying':
        write(`  ↻ ${unitLabel(event.unit)} retrying in ${(event.delayMs / 1000).toFixed(0)}s (${event.reason})\n`);
        return;
      case 'recorded':
        write(`  ● ${event.step}: ${event.what} ${event.text}\n`);
        return;
      case 'review':
        // Every item, one a line, so the operator reads all of what the approval will cover.
        write(`  ● ${event.step}: review ${event.count} item${event.count === 1 ? '' : 's'} (sha256 ${shortDigest(event.digest)}):\n${event.items.map((item) => `      ${itemLabel(item)}\n`).join('')}`);
        if (event.command) write(`    it will run:\n${event.command.split('\n').map((line) => `      │ ${line}\n`).join('')}`);
        return;
      case 'step-finished':
        write(`${textGlyph(event.status)} ${event.step} ${event.status} in ${(event.durationMs / 1000).toFixed(1)}s\n`);
        return;
      case 'run-paused':
        write(`${pausedLines(event.reason, event.waiting, event.resumeCommand, event.ahead).join('\n')}\n`);
        return;
      case 'run-finished':
        write(`${finishedLine(event.status, event.durationMs)}\n`);
        return;
      default:
        assertNever(event);
    }
  };
  return { render, flush: () => [...partial.keys()].forEach(flushUnit) };
}

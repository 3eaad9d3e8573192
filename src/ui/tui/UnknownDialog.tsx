import { useKeys, useLatest } from './use-keys.js';
import { unitLabel } from '../../journal/events.js';
import { visible, wrapText } from '../../tables/index.js';
import { cutRows } from './confirm-layout.js';
import { DialogFrame, fieldRow, type DialogRow } from './dialog-frame.js';
import { editText } from './edit-text.js';
import type { Dialog } from './types.js';

type UnknownDialogType = Extract<Dialog, { kind: 'unknown' }>;

/**
 * A unit whose outcome is unknown (a crash, a dropped connection): what it printed last, its log and how to check
 * the target, then rerun it, mark it done, or skip it, with a reason. For a destructive step this comes before its
 * phrase, which only a rerun asks for.
 */
export function UnknownDialog({ dialog, height, width }: { dialog: UnknownDialogType; height: number; width: number }) {
  const { request } = dialog;
  const [choice, setChoice, getChoice] = useLatest<'done' | 'skip' | undefined>(undefined);
  const [reason, setReason, getReason] = useLatest('');
  useKeys(dialog, (input, key) => {
    const chosen = getChoice();
    if (chosen) {
      const why = getReason().trim();
      if (key.escape) return setChoice(undefined);
      if (key.return) return why ? dialog.answer({ decision: chosen, reason: why, via: 'prompt' }) : undefined;
      const next = editText(getReason(), input, key);
      if (next !== undefined) setReason(next);
      return;
    }
    if (input === 'r') return dialog.answer({ decision: 'rerun', reason: 'operator chose rerun', via: 'prompt' });
    if (input === 'd') return setChoice('done');
    if (input === 's') return setChoice('skip');
  });
  // The log path and the check are never cut (they are how to find out); the output's oldest lines go first.
  const wrap = (text: string, indent: string): string[] => visible(text).split('\n').flatMap((line) => wrapText(line, Math.max(8, width - indent.length)).map((piece) => `${indent}${piece}`));
  const check: DialogRow[] = request.check
    ? [{ text: 'Check the target before you decide:', bold: true }, ...wrap(request.check, '  ').map((text) => ({ text, color: 'cyan' }))]
    : [{ text: 'It may have finished, partly run, or not run at all: check the target first.', dim: true }];
  const log: DialogRow[] = wrap(`log: ${request.logPath}`, '').map((text) => ({ text, dim: true }));
  const field = choice ? [fieldRow(choice === 'done' ? 'Why is it done? (recorded)' : 'Why skip it? (recorded)', reason, true)] : [];
  // On a small terminal the check is cut, saying so, before the log path or the reason field would be.
  const required: DialogRow[] = [...log, ...cutRows(check, height - 2 - log.length - field.length), ...field];
  // Rows left beside the title, the keys, `why` and the output's heading; a third of a small dialog at most, so the
  // steps finished before this resume stay in view above it.
  const tailRows = Math.max(1, Math.min(height - 2 - required.length - 2, Math.max(5, Math.floor(height / 3))));
  const printed: DialogRow[] =
    request.lastLines.length === 0
      ? [{ text: 'It printed nothing before it stopped.', dim: true }]
      : [{ text: 'It printed last:' }, ...request.lastLines.slice(-tailRows).map((line) => ({ text: `│ ${visible(line)}`, dim: true }))];
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ? OUTCOME UNKNOWN  ${unitLabel(request.unit)} — ${request.title} `, color: 'magenta', bold: true, inverse: true }}
      optional={[{ text: `why: ${request.reason}` }, ...printed]}
      required={required}
      keys={
        choice
          ? [
              ['Enter', `mark ${choice}`],
              ['Esc', 'back'],
            ]
          : [
              ['r', request.destructive ? 'rerun (phrase next)' : 'rerun'],
              ['d', 'mark done (reason)'],
              ['s', 'skip (reason)'],
              ['^C', 'pause'],
            ]
      }
    />
  );
}

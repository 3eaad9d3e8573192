import { useKeys, useLatest } from './use-keys.js';
import { unitLabel } from '../../journal/events.js';
import { DialogFrame, fieldRow } from './dialog-frame.js';
import { editText } from './edit-text.js';
import type { Dialog } from './types.js';

type UnknownDialogType = Extract<Dialog, { kind: 'unknown' }>;

/** A unit whose outcome is unknown (a crash, a dropped connection): rerun it, mark it done, or skip it, with a reason. */
export function UnknownDialog({ dialog, height }: { dialog: UnknownDialogType; height: number }) {
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
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ? OUTCOME UNKNOWN  ${unitLabel(request.unit)} `, color: 'magenta', bold: true, inverse: true }}
      optional={[
        { text: `why: ${request.reason}` },
        { text: 'It may have finished, partly run, or not run at all: check the target first.', dim: true },
        { text: 'r runs it again · d marks it done (it did finish) · s skips it', dim: true },
      ]}
      required={choice ? [fieldRow(choice === 'done' ? 'Why is it done? (recorded)' : 'Why skip it? (recorded)', reason, true)] : []}
      keys={
        choice
          ? [
              ['Enter', `mark ${choice}`],
              ['Esc', 'back'],
            ]
          : [
              ['r', 'rerun'],
              ['d', 'mark done (reason)'],
              ['s', 'skip (reason)'],
              ['^C', 'pause'],
            ]
      }
    />
  );
}

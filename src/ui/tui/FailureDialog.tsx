import { useKeys, useLatest } from './use-keys.js';
import { unitLabel } from '../../journal/events.js';
import { visibleText } from '../../text/visible.js';
import { DialogFrame, fieldRow, type DialogRow } from './dialog-frame.js';
import { editText } from './edit-text.js';
import type { Dialog } from './types.js';

type FailureDialogType = Extract<Dialog, { kind: 'failure' }>;

export interface FailureDialogProps {
  dialog: FailureDialogType;
  height: number;
  /** The failed target's last output lines. */
  tail: (rows: number) => string[];
  /** The last lines of the full log file, read when asked for (l). */
  readLog: (path: string, rows: number) => string[];
}

/** A step failed: retry it, skip it (with a reason), abort (the run stops, resumable), or read its full log. */
export function FailureDialog({ dialog, height, tail, readLog }: FailureDialogProps) {
  const { request } = dialog;
  const [mode, setMode, getMode] = useLatest<'choose' | 'reason' | 'log'>('choose');
  const [reason, setReason, getReason] = useLatest('');
  useKeys(dialog, (input, key) => {
    const why = getReason().trim();
    if (getMode() === 'reason') {
      if (key.escape) return setMode('choose');
      if (key.return) return why ? dialog.answer({ decision: 'skip', reason: why, via: 'prompt' }) : undefined;
      const next = editText(getReason(), input, key);
      if (next !== undefined) setReason(next);
      return;
    }
    if (getMode() === 'log') {
      if (key.escape || input === 'l' || key.return) setMode('choose');
      return;
    }
    if (input === 'r') return dialog.answer({ decision: 'retry', reason: 'operator chose retry', via: 'prompt' });
    if (input === 's') return setMode('reason');
    if (input === 'a') return dialog.answer({ decision: 'abort', reason: 'operator chose abort', via: 'prompt' });
    if (input === 'l') return setMode('log');
  });
  const failures: DialogRow[] = request.failed.map((f) => ({ text: `✘ ${unitLabel(f.unit)}: ${f.reason}`, color: 'red' }));
  const logs: DialogRow[] = request.logPaths.map((path) => ({ text: `log: ${visibleText(path)}`, dim: true }));
  const room = Math.max(1, height - 3 - failures.length - logs.length - (mode === 'reason' ? 1 : 0));
  const body: DialogRow[] =
    mode === 'log'
      ? request.logPaths.flatMap((path) => readLog(path, Math.max(1, Math.floor(room / request.logPaths.length))).map((text) => ({ text: `│ ${visibleText(text)}` })))
      : tail(room).map((text) => ({ text: `│ ${text}`, dim: true }));
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ✘ STEP FAILED  ${request.step} — ${request.title} `, color: 'red', bold: true, inverse: true }}
      optional={[...failures, ...body]}
      required={[...logs.slice(0, 2), ...(mode === 'reason' ? [fieldRow('Why skip it? (recorded)', reason, true)] : [])]}
      keys={
        mode === 'reason'
          ? [
              ['Enter', 'skip with this reason'],
              ['Esc', 'back'],
            ]
          : mode === 'log'
            ? [['l/Esc', 'back']]
            : [
                ['r', 'retry'],
                ['s', 'skip (reason)'],
                ['a', 'abort (pause, resumable)'],
                ['l', 'full log'],
              ]
      }
    />
  );
}

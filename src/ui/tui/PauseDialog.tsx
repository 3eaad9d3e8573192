import { useKeys } from './use-keys.js';
import { DialogFrame } from './dialog-frame.js';
import type { Dialog } from './types.js';

type PauseDialogType = Extract<Dialog, { kind: 'pause' }>;

/** q asks before pausing; Ctrl-C during a running destructive step asks before cutting it off half done. */
export function PauseDialog({ dialog, height, resumeCommand }: { dialog: PauseDialogType; height: number; resumeCommand: string }) {
  useKeys(dialog, (input, key) => {
    if (input === 'y' || key.return) return dialog.answer(true);
    if (input === 'n' || key.escape || input === 'q') return dialog.answer(false);
  });
  const destructive = dialog.destructive;
  return (
    <DialogFrame
      height={height}
      title={{ text: destructive ? ` ⚠ STOP A DESTRUCTIVE STEP?  ${destructive} ` : ' PAUSE THE RUN? ', color: destructive ? 'red' : 'yellow', bold: true, inverse: true }}
      optional={[
        ...(destructive ? [{ text: `${destructive} is changing things right now: stopping it now leaves it half done.`, bold: true }] : []),
        { text: 'Pausing stops what is running: its outcome becomes unknown.', dim: true },
        { text: 'On resume it reruns by itself if idempotent, else you decide.', dim: true },
        { text: 'Completed steps never run again.', dim: true },
        { text: `Resume with: ${resumeCommand}` },
      ]}
      required={[]}
      keys={[
        [destructive ? 'y/^C' : 'y', destructive ? 'stop it now' : 'pause'],
        ['n/Esc', destructive ? 'let it finish' : 'keep running'],
      ]}
    />
  );
}

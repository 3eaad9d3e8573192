import { useKeys, useLatest } from './use-keys.js';
import { DialogFrame, fieldRow } from './dialog-frame.js';
import { editText, shownValue } from './edit-text.js';
import type { Dialog } from './types.js';

type SecretDialogType = Extract<Dialog, { kind: 'secret' }>;

/** A password or passphrase the SSH transport needs: typed hidden, never stored. */
export function SecretDialog({ dialog, height }: { dialog: SecretDialogType; height: number }) {
  const [typed, setTyped, getTyped] = useLatest('');
  useKeys(dialog, (input, key) => {
    if (key.escape) return dialog.answer(undefined);
    if (key.return) return getTyped() === '' ? undefined : dialog.answer(getTyped());
    const next = editText(getTyped(), input, key);
    if (next !== undefined) setTyped(next);
  });
  return (
    <DialogFrame
      height={height}
      title={{ text: ' SECRET NEEDED ', color: 'yellow', bold: true, inverse: true }}
      optional={[{ text: 'Typed hidden, used for this run only, never written anywhere.', dim: true }]}
      required={[fieldRow(dialog.prompt, shownValue(typed, true), true)]}
      keys={[
        ['Enter', 'use it'],
        ['Esc', 'skip (the host may refuse)'],
      ]}
    />
  );
}

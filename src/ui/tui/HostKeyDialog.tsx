import { useKeys, useLatest } from './use-keys.js';
import { DialogFrame, fieldRow } from './dialog-frame.js';
import { editText } from './edit-text.js';
import type { Dialog } from './types.js';

type HostKeyDialogType = Extract<Dialog, { kind: 'host-key' }>;

/** An SSH host key not in known_hosts: its fingerprint, accepted only by typing `yes` (as OpenSSH asks). */
export function HostKeyDialog({ dialog, height }: { dialog: HostKeyDialogType; height: number }) {
  const { request } = dialog;
  const [typed, setTyped, getTyped] = useLatest('');
  useKeys(dialog, (input, key) => {
    if (key.escape) return dialog.answer('refuse');
    if (key.return) {
      const answer = getTyped().trim().toLowerCase();
      if (answer === 'yes') return dialog.answer('accept');
      if (answer === 'no') return dialog.answer('refuse');
      return setTyped('');
    }
    const next = editText(getTyped(), input, key);
    if (next !== undefined) setTyped(next);
  });
  return (
    <DialogFrame
      height={height}
      title={{ text: ` UNKNOWN HOST KEY  ${request.host} (${request.address}:${request.port}) `, color: 'yellow', bold: true, inverse: true }}
      optional={[
        { text: `${request.keyType} key fingerprint:` },
        { text: `  ${request.fingerprint}`, bold: true },
        { text: 'It is not in known_hosts. Accept it only if the host\'s owner confirms this fingerprint:', dim: true },
        { text: `accepting records it in known_hosts as ${request.knownHostsName}.`, dim: true },
      ]}
      required={[fieldRow('Accept this key? (yes/no)', typed, true)]}
      keys={[
        ['yes Enter', 'accept and record'],
        ['Esc', 'refuse (nothing runs on it)'],
      ]}
    />
  );
}

import { wrapText } from '../../tables/index.js';
import { useKeys, useLatest } from './use-keys.js';
import { useTerminalSize } from './use-terminal-size.js';
import { DialogFrame, fieldRow, type DialogRow } from './dialog-frame.js';
import { editText } from './edit-text.js';
import type { Dialog } from './types.js';

type ConfirmDialogType = Extract<Dialog, { kind: 'confirm' }>;

/**
 * A destructive step asks for its phrase, typed exactly, after showing where it acts (hosts, namespace, pod,
 * the resolved command). A wrong phrase is refused and nothing runs; Esc runs nothing and pauses the run.
 */
export function ConfirmDialog({ dialog, height }: { dialog: ConfirmDialogType; height: number }) {
  const { request } = dialog;
  const { columns } = useTerminalSize();
  const [typed, setTyped, getTyped] = useLatest('');
  const [wrong, setWrong] = useLatest<string[]>([]);
  useKeys(dialog, (input, key) => {
    if (key.escape) return dialog.answer('refused');
    if (key.return) {
      const phrase = getTyped();
      if (phrase === request.phrase) return dialog.answer({ phrase, via: 'prompt' });
      setWrong((w) => [...w, phrase]);
      setTyped('');
      return;
    }
    const next = editText(getTyped(), input, key);
    if (next !== undefined) setTyped(next);
  });
  // The engine sends the targets (`cp1: root@10.0.0.1:22`, `kubectl via cp1`) and, last, the resolved command.
  const targets = request.scope.length > 1 ? request.scope.slice(0, -1) : request.scope;
  const command = request.scope.length > 1 ? (request.scope.at(-1) ?? '') : '';
  const scope: DialogRow[] = [
    { text: 'It acts on:', dim: true },
    ...targets.map((entry) => ({ text: `  • ${entry}` })),
    ...command.split('\n').filter((l, i) => l !== '' || i === 0).map((line, i) => ({ text: `${i === 0 ? '  $ ' : '    '}${line}` })),
  ].filter((row) => row.text.trim() !== '$');
  // The message states the scope (what is deleted, which backups exist): wrapped, never cut, so it can be read.
  const message: DialogRow[] = (request.message ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((line) => wrapText(line, columns - 1))
    .map((text) => ({ text, bold: true }));
  const last = wrong.at(-1);
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ⚠ DESTRUCTIVE  ${request.step} — ${request.title} `, color: 'red', bold: true, inverse: true }}
      optional={[...message, ...scope]}
      required={[
        fieldRow(`Type "${request.phrase}" to run it:`, typed, true),
        last !== undefined
          ? { text: `✘ "${last}" is not the phrase; nothing was run${wrong.length > 1 ? ` (${wrong.length} wrong tries)` : ''}.`, color: 'red' }
          : { text: 'Nothing runs until the phrase is typed exactly.', dim: true },
      ]}
      keys={[
        ['Enter', 'confirm'],
        ['Esc', 'do not run it (pause the run)'],
      ]}
    />
  );
}

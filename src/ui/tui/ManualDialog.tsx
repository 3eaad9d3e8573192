import { useKeys, useLatest } from './use-keys.js';
import { DialogFrame, fieldRow, type DialogRow } from './dialog-frame.js';
import { editText, shownValue } from './edit-text.js';
import type { Dialog } from './types.js';

type ManualDialogType = Extract<Dialog, { kind: 'manual' }>;

/** Why the answers cannot be submitted yet, or `undefined` when they can. */
export function manualProblem(request: ManualDialogType['request'], ticked: boolean[], values: string[]): string | undefined {
  const open = request.checklist.filter((_, i) => !ticked[i]);
  if (open.length) return `tick every item first: "${open[0]}"${open.length > 1 ? ` and ${open.length - 1} more` : ''}`;
  for (const [i, record] of request.record.entries()) {
    const value = values[i] ?? '';
    if (value === '') return `${record.prompt}: a value is required`;
    if (record.pattern && !new RegExp(record.pattern, 'u').test(value)) return `${record.prompt}: expected a value matching ${record.pattern}`;
  }
  return undefined;
}

/**
 * A manual step: its instructions, a checklist to tick (Space) and values to record (secret ones shown as
 * bullets while typed). Enter on the last field submits once everything is ticked and valid; Esc pauses the run.
 */
export function ManualDialog({ dialog, height }: { dialog: ManualDialogType; height: number }) {
  const { request } = dialog;
  const items = request.checklist.length;
  const fields = items + request.record.length;
  const [focus, setFocus, getFocus] = useLatest(0);
  const [ticked, setTicked, getTicked] = useLatest<boolean[]>(() => request.checklist.map(() => false));
  const [values, setValues, getValues] = useLatest<string[]>(() => request.record.map(() => ''));
  const [problem, setProblem] = useLatest<string | undefined>(undefined);
  const submit = () => {
    const why = manualProblem(request, getTicked(), getValues());
    if (why) return setProblem(why);
    dialog.answer({ values: Object.fromEntries(request.record.map((r, i) => [r.name, getValues()[i] ?? ''])), via: 'prompt' });
  };
  useKeys(dialog, (input, key) => {
    if (key.escape) return dialog.answer('refused');
    if (key.upArrow || (key.tab && key.shift)) return setFocus((f) => Math.max(0, f - 1));
    if (key.downArrow || key.tab) return setFocus((f) => Math.min(Math.max(0, fields - 1), f + 1));
    setProblem(undefined);
    const at = getFocus();
    if (key.return) return at >= items && at + 1 < fields ? setFocus(at + 1) : submit();
    if (at < items) {
      if (input !== ' ') return;
      const wasTicked = getTicked()[at] === true;
      setTicked((t) => t.map((v, i) => (i === at ? !v : v)));
      if (!wasTicked && at + 1 < fields) setFocus(at + 1);
      return;
    }
    const field = at - items;
    const next = editText(getValues()[field] ?? '', input, key);
    if (next !== undefined) setValues((v) => v.map((old, i) => (i === field ? next : old)));
  });
  const instructions: DialogRow[] = request.instructions.trim().split('\n').map((text) => ({ text }));
  const checklist: DialogRow[] = request.checklist.map((item, i) => ({ text: `${focus === i ? '›' : ' '} [${ticked[i] ? 'x' : ' '}] ${item}`, bold: focus === i, ...(ticked[i] ? { color: 'green' } : {}) }));
  const records = request.record.map((r, i) => fieldRow(`${r.prompt}${r.secret ? ' (secret)' : ''}:`, shownValue(values[i] ?? '', r.secret), focus === items + i));
  const ready = manualProblem(request, ticked, values) === undefined;
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ✋ MANUAL STEP  ${request.step} — ${request.title} `, color: 'yellow', bold: true, inverse: true }}
      optional={instructions}
      required={[
        ...checklist,
        ...records,
        problem ? { text: `✘ ${problem}`, color: 'red' } : ready ? { text: 'Everything is ticked: Enter records it and goes on.', color: 'green' } : { text: fields ? 'Tick every item and fill every value, then Enter.' : 'Enter when it is done.', dim: true },
      ]}
      keys={[
        ['↑↓', 'move'],
        ...(items ? ([['Space', 'tick']] as [string, string][]) : []),
        ['Enter', focus >= items && focus + 1 < fields ? 'next' : 'done'],
        ['Esc', 'not done (pause the run)'],
      ]}
    />
  );
}

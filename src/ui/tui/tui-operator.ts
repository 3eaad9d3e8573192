import type { Operator } from '../../engine/operator.js';
import { visibleDeep } from '../../text/visible.js';
import { assertNever } from '../../errors.js';
import type { RunModel } from './run-model.js';
import type { Dialog } from './types.js';

/** An Operator answered through dialogs; `stop()` answers every open and later question with "stop here". */
export interface TuiOperator extends Operator {
  acceptHostKey: NonNullable<Operator['acceptHostKey']>;
  /** A hidden value for the SSH transport: `undefined` when the operator declines (Esc). */
  askSecret(prompt: string): Promise<string | undefined>;
  stop(): void;
}

/** The answer that stops: nothing runs, nothing is decided, the run pauses. */
function stopAnswer(dialog: Dialog): void {
  switch (dialog.kind) {
    case 'confirm':
    case 'manual':
      return dialog.answer('refused');
    case 'failure':
    case 'unknown':
      return dialog.answer(undefined);
    case 'host-key':
      return dialog.answer('refuse');
    case 'secret':
      return dialog.answer(undefined);
    case 'pause':
      return dialog.answer(false);
    default:
      return assertNever(dialog);
  }
}

// Kept as they are: what is typed is compared with the phrase, answers are keyed by the record's name, logs are read
// by path. The dialogs show these through visibleText themselves.
const KEPT = new Set(['phrase', 'name', 'logPaths']);

/** A question as the dialogs show it: every text made visible (list items and reasons come from hosts). */
function shown<T>(request: T): T {
  return visibleDeep(request, KEPT);
}

/** Questions from the engine become dialogs in the model; each promise settles when its dialog is answered. */
export function tuiOperator(model: RunModel): TuiOperator {
  let stopped = false;
  const ask = <D extends Dialog, T>(make: (answer: (value: T) => void) => D): Promise<T> =>
    new Promise<T>((resolve) => {
      let settled = false;
      const dialog = make((value) => {
        if (settled) return;
        settled = true;
        model.answered(dialog);
        resolve(value);
      });
      if (stopped) return stopAnswer(dialog);
      model.ask(dialog);
    });
  return {
    confirm: (request) => ask((answer) => ({ kind: 'confirm', request: shown(request), answer })),
    manual: (request) => ask((answer) => ({ kind: 'manual', request: shown(request), answer })),
    onFailure: (request) => ask((answer) => ({ kind: 'failure', request: shown(request), answer })),
    decideUnknown: (request) => ask((answer) => ({ kind: 'unknown', request: shown(request), answer })),
    acceptHostKey: (request) => ask((answer) => ({ kind: 'host-key', request: shown(request), answer })),
    askSecret: (prompt) => ask((answer) => ({ kind: 'secret', prompt: visibleDeep(prompt), answer })),
    stop() {
      stopped = true;
      for (const dialog of [...model.dialogs]) stopAnswer(dialog);
    },
  };
}

import type { RunModel } from './run-model.js';

/** What q and Ctrl-C do, given the run's state; `interrupt` is drive()'s pause (and, twice within 3 s, exit). */
export interface InterruptKeys {
  /** Ctrl-C: pause at once; during a running destructive step ask first (a second Ctrl-C confirms). */
  onCtrlC(): void;
  /** q: ask, then pause. */
  onQuit(): void;
  /** The run is pausing: a further Ctrl-C goes straight to `interrupt` (which exits when pressed twice). */
  pausing(): void;
}

export function interruptKeys(model: RunModel, interrupt: () => void): InterruptKeys {
  let pausing = false;
  const runningDestructive = () => model.steps.find((s) => s.destructive && s.status === 'running')?.id;
  const askPause = (destructive: string | undefined) => {
    if (model.dialogs.some((d) => d.kind === 'pause')) return;
    const dialog = {
      kind: 'pause' as const,
      ...(destructive ? { destructive } : {}),
      answer: (yes: boolean) => {
        model.answered(dialog);
        if (yes) interrupt();
      },
    };
    model.ask(dialog);
  };
  return {
    onCtrlC() {
      const top = model.dialogs[0];
      if (top?.kind === 'pause' && top.destructive) return top.answer(true);
      const destructive = pausing ? undefined : runningDestructive();
      if (destructive) return askPause(destructive);
      interrupt();
    },
    onQuit: () => askPause(runningDestructive()),
    pausing() {
      pausing = true;
    },
  };
}

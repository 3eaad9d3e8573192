import type { PauseReason, Waiting } from '../engine/events.js';

/** Why a run paused, in words. */
export function pauseText(reason: PauseReason): string {
  switch (reason) {
    case 'interrupted':
      return 'interrupted by the operator';
    case 'needs-operator':
      return 'waiting for an approval or decision that cannot be asked here';
    case 'step-failed':
      return 'a step failed';
  }
}

/**
 * The last lines of a run that paused: why, what it waits for (with its notes), what later steps will ask for
 * (`ahead`), and the exact command that resumes it.
 */
export function pausedLines(reason: PauseReason, waiting: Waiting[], resumeCommand: string, ahead: Waiting[] = []): string[] {
  const item = (label: string) => (w: Waiting) => [`  ${label}: ${w.detail}`, ...(w.notes ?? []).map((note) => `    ${note}`), `    settle with: ${w.flag}`];
  return [`⏸ run paused: ${pauseText(reason)}`, ...waiting.flatMap(item('waiting')), ...ahead.flatMap(item('then')), `  resume with: ${resumeCommand}`];
}

/** The last line of a run that reached its end. */
export function finishedLine(status: 'succeeded' | 'failed', durationMs: number): string {
  return `${status === 'succeeded' ? '✔ run finished' : '✘ run finished with failed steps'} in ${(durationMs / 1000).toFixed(1)}s`;
}

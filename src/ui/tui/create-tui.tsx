import { render, type Instance } from 'ink';
import type { RunState } from '../../journal/state.js';
import type { Plan } from '../../plan/types.js';
import { finishedLine, pausedLines } from '../end-summary.js';
import type { RunUi } from '../run-ui.js';
import { App } from './App.js';
import { RunModel } from './run-model.js';
import { seedFromPlan } from './seed.js';
import { themeFromEnv } from './theme.js';
import { interruptKeys } from './interrupt-keys.js';
import { tuiOperator } from './tui-operator.js';
import { visibleDeep } from '../../text/visible.js';

export interface TuiOptions {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Read keys and ask questions (a terminal on stdin); otherwise it only shows the run. */
  interactive: boolean;
  plan: Plan;
  /** On resume: what the journal already knows. */
  state?: RunState;
  resumeCommand: string;
  /** Pause the run (first call) or exit at once (a second call within a few seconds): drive()'s Ctrl-C. */
  interrupt: () => void;
  /** @default 80 ms between repaints (12.5 a second) */
  repaintMs?: number;
  /** Play back a recorded run: REPLAY badge, these key hints, and q / Ctrl-C call `interrupt` (quit) directly. */
  replay?: { keys: [string, string][] };
}

/**
 * The interactive terminal UI over the engine's events. Ctrl-C goes to `interrupt` (in raw mode the terminal
 * sends no SIGINT); during a running destructive step the first Ctrl-C asks before cutting it off.
 */
export function createTui(options: TuiOptions): RunUi & { model: RunModel } {
  const model = new RunModel({ ...(options.repaintMs !== undefined ? { repaintMs: options.repaintMs } : {}), ...(options.replay ? { replay: options.replay } : {}) });
  // What the TUI shows (titles, commands, output, reasons, outputs) comes from runbooks, sites and hosts: made
  // visible once, here, so none of it can drive the terminal between ink's own escapes.
  model.seed(visibleDeep(seedFromPlan(options.plan, options.state)));
  const operator = tuiOperator(model);
  const keys = interruptKeys(model, options.interrupt);

  const restoreTerminal = () => {
    if (options.interactive && options.stdin.isTTY) options.stdin.setRawMode?.(false);
    if (options.stdout.isTTY) options.stdout.write('\u001B[?25h');
  };
  process.once('exit', restoreTerminal);

  const theme = themeFromEnv(options.env);
  const app = () => <App model={model} theme={theme} interactive={options.interactive} resumeCommand={options.resumeCommand} onQuit={options.replay ? options.interrupt : keys.onQuit} onCtrlC={options.replay ? options.interrupt : keys.onCtrlC} />;
  const instance: Instance = render(app(), {
    stdout: options.stdout as NodeJS.WriteStream,
    stdin: options.stdin as NodeJS.ReadStream,
    stderr: options.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 15,
  });
  let closed = false;
  // A crash inside the UI must not leave the run going on unseen: pause it.
  instance.waitUntilExit().catch(() => {
    if (!closed) options.interrupt();
  });

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    model.flush();
    // Render the final state synchronously (the last finished steps into <Static>, the live area gone), then leave.
    instance.rerender(app());
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    restoreTerminal();
    process.off('exit', restoreTerminal);
    const phase = model.phase;
    const lines = phase.kind === 'paused' ? pausedLines(phase.reason, phase.waiting, phase.resumeCommand) : phase.kind === 'finished' ? [finishedLine(phase.status, phase.durationMs)] : [];
    if (model.header) lines.push(`  run directory: ${model.header.runDir}`);
    options.stdout.write(`${lines.join('\n')}\n`);
  };

  return {
    model,
    render: (event) => model.apply(visibleDeep(event)),
    // Without a terminal on stdin nobody can answer: questions stop the run (exit 3) instead of waiting forever.
    operator: options.interactive ? operator : undefined,
    ...(options.interactive ? { askSecret: (prompt: string) => operator.askSecret(prompt) } : {}),
    interrupted(message) {
      keys.pausing();
      operator.stop();
      model.setStatus(message);
    },
    close,
    abandon() {
      closed = true;
      try {
        instance.unmount();
      } finally {
        restoreTerminal();
      }
    },
  };
}

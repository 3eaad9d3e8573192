import { setTimeout as delay } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { onTestFinished } from 'vitest';
import type { EngineEvent, StepOverview } from '../../src/engine/events.js';
import type { Mode } from '../../src/plan/types.js';
import { App } from '../../src/ui/tui/App.js';
import { RunModel, type StepSeed } from '../../src/ui/tui/run-model.js';
import type { Theme } from '../../src/ui/tui/theme.js';

/** A step of a test runbook: `run` on local unless said otherwise. */
export function step(id: string, extra: Partial<StepOverview> = {}): StepOverview {
  return { id, title: id, kind: 'run', destructive: false, readonly: false, targets: ['local'], ...extra };
}

/** A model that saw run-started; repaints at once (no throttle) so frames follow every event. */
export function startedModel(steps: StepOverview[], options: { mode?: Mode; seeds?: StepSeed[]; resumed?: boolean } = {}): RunModel {
  const model = new RunModel({ repaintMs: 0 });
  if (options.seeds) model.seed(options.seeds);
  model.apply({ type: 'run-started', runId: 'r1', runDir: '/runs/r1', mode: options.mode ?? 'live', title: 'Clean up the registry', runbook: 'wipe', site: 'acme-prod', steps, resumed: options.resumed ?? false });
  return model;
}

/** Apply events in order. */
export function feed(model: RunModel, ...events: EngineEvent[]): void {
  for (const event of events) model.apply(event);
}

/** The events of a unit that ran and ended. */
export function ranUnit(stepId: string, target: string, outcome: 'succeeded' | 'failed' | 'unknown', extra: { exitCode?: number; reason?: string; output?: string; item?: { index: number; value: string }; outputs?: Record<string, unknown> } = {}): EngineEvent[] {
  const unit = { step: stepId, target, ...(extra.item ? { item: extra.item } : {}) };
  return [
    { type: 'unit-started', unit, attempt: 1, command: `run ${stepId}` },
    ...(extra.output ? [{ type: 'output' as const, unit, stream: 'stdout' as const, text: extra.output }] : []),
    { type: 'unit-finished', unit, attempt: 1, outcome, durationMs: 1200, ...(extra.exitCode !== undefined ? { exitCode: extra.exitCode } : {}), ...(extra.reason ? { reason: extra.reason } : {}), ...(extra.outputs ? { outputs: extra.outputs } : {}) },
  ];
}

export interface Mounted {
  frame(): string;
  /** The live area (what is repainted), without the lines printed above it by <Static>. */
  live(): string[];
  /** Type keys (a string, or raw escape sequences) and let ink and React settle. */
  press(...keys: string[]): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  /** Let React commit what the model changed (updates from outside React are scheduled, not synchronous). */
  settle(): Promise<void>;
  ctrlC: number;
  quits: number;
}

export const KEY = { enter: '\r', escape: '\u001B', up: '\u001B[A', down: '\u001B[B', left: '\u001B[D', right: '\u001B[C', backspace: '\u007F', ctrlC: '\u0003', tab: '\t' } as const;

/** Mount the whole TUI with ink-testing-library at a given terminal size. */
export async function mount(model: RunModel, options: { columns?: number; rows?: number; theme?: Theme; interactive?: boolean; onCtrlC?: () => void; onQuit?: () => void } = {}): Promise<Mounted> {
  const counts = { ctrlC: 0, quits: 0 };
  const app = render(
    <App
      model={model}
      theme={options.theme ?? { color: true }}
      interactive={options.interactive ?? true}
      resumeCommand="fieldbook resume r1"
      onQuit={() => {
        counts.quits++;
        options.onQuit?.();
      }}
      onCtrlC={() => {
        counts.ctrlC++;
        options.onCtrlC?.();
      }}
    />,
  );
  onTestFinished(() => app.unmount());
  const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
  const mounted: Mounted = {
    frame,
    live() {
      const lines = frame().split('\n');
      let start = -1;
      lines.forEach((line, i) => {
        if (/^ (LIVE|DRY-RUN|REHEARSAL) /.test(line)) start = i;
      });
      return start === -1 ? [] : lines.slice(start).filter((line, i, all) => i < all.length - 1 || line !== '');
    },
    async press(...keys) {
      for (const key of keys) {
        app.stdin.write(key);
        await delay(15);
      }
    },
    async resize(columns, rows) {
      Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
      Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
      app.stdout.emit('resize');
      await delay(15);
    },
    settle: () => delay(20),
    get ctrlC() {
      return counts.ctrlC;
    },
    get quits() {
      return counts.quits;
    },
  };
  await mounted.resize(options.columns ?? 80, options.rows ?? 24);
  return mounted;
}

/** The row of the step list showing `id`. */
export function row(mounted: Mounted, id: string): string {
  return mounted.live().find((line) => new RegExp(`^[ ›] \\S+ +\\d+\\. ${id}\\b`).test(line)) ?? '';
}

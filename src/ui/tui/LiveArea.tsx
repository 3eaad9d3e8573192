import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Box } from 'ink';
import { ConfirmDialog } from './ConfirmDialog.js';
import { FailureDialog } from './FailureDialog.js';
import { Header } from './Header.js';
import { HostKeyDialog } from './HostKeyDialog.js';
import { KeyHints } from './KeyHints.js';
import { Line } from './Line.js';
import { ManualDialog } from './ManualDialog.js';
import { PauseDialog } from './PauseDialog.js';
import { SecretDialog } from './SecretDialog.js';
import { StepDetails } from './StepDetails.js';
import { StepList } from './StepList.js';
import { UnknownDialog } from './UnknownDialog.js';
import { computeLayout } from './layout.js';
import { MAIN_VIEW } from './key-owners.js';
import { useKeys } from './use-keys.js';
import type { RunModel } from './run-model.js';
import type { Dialog, StepView } from './types.js';
import { assertNever } from '../../errors.js';

export interface Selection {
  /** The step shown in detail; `undefined` follows the active step. */
  step: string | undefined;
  /** Target picked per step; unset follows the one that printed last. */
  hosts: Record<string, string>;
}

export interface LiveAreaProps {
  model: RunModel;
  columns: number;
  rows: number;
  selection: Selection;
  onSelect: (selection: Selection) => void;
  resumeCommand: string;
  /** q: ask, then pause. */
  onQuit: () => void;
}

/** The part of the screen that is repainted: header, step list, details or dialog, keys. Always shorter than the terminal. */
export function LiveArea({ model, columns, rows, selection, onSelect, resumeCommand, onQuit }: LiveAreaProps) {
  const header = model.header;
  const dialog = model.dialogs[0];
  const layout = computeLayout(columns, rows, model.steps.length, model.status !== undefined);
  const active = model.activeStep();
  const selected = (selection.step !== undefined ? model.step(selection.step) : undefined) ?? active;
  const host = selected ? pickHost(selected, selection.hosts[selected.id]) : undefined;
  const now = model.now();

  useKeys(MAIN_VIEW, (input, key) => {
    const steps = model.steps;
    const at = Math.max(0, steps.findIndex((s) => s.id === selected?.id));
    if (key.upArrow || input === 'k') return onSelect({ ...selection, step: steps[Math.max(0, at - 1)]?.id });
    if (key.downArrow || input === 'j') return onSelect({ ...selection, step: steps[Math.min(steps.length - 1, at + 1)]?.id });
    if (input === 'f' || key.end) return onSelect({ ...selection, step: undefined });
    if ((key.leftArrow || key.rightArrow || key.tab) && selected) {
      const targets = [...new Set([...selected.targets, ...selected.hosts.keys()])];
      const i = Math.max(0, targets.indexOf(host ?? ''));
      const next = targets[(i + (key.leftArrow ? targets.length - 1 : 1)) % targets.length];
      if (next !== undefined) onSelect({ ...selection, hosts: { ...selection.hosts, [selected.id]: next } });
      return;
    }
    if (input === 'q') onQuit();
  });

  if (!header || model.phase.kind === 'finished' || model.phase.kind === 'paused') return null;
  const done = model.steps.filter((s) => s.settled).length;
  const bodyHeight = layout.body + (dialog ? layout.footer : 0);
  return (
    <Box flexDirection="column" width={layout.columns}>
      <Header header={header} rows={layout.header} done={done} total={model.steps.length} running={model.phase.kind === 'running'} now={model.now} replay={model.replay !== undefined} />
      {layout.status ? (
        <Line color="yellow" bold>
          {model.status}
        </Line>
      ) : null}
      <StepList steps={model.steps} selected={selected?.id} height={layout.list} now={now} />
      {dialog ? (
        <DialogView key={dialogKey(dialog)} dialog={dialog} height={bodyHeight} width={layout.columns} model={model} resumeCommand={resumeCommand} />
      ) : selected ? (
        <StepDetails step={selected} host={host} height={layout.body} now={now} width={layout.columns} showCommand={resumeCommand.replace(/^fieldbook resume\b/, 'fieldbook show')} />
      ) : null}
      {dialog ? null : (
        <KeyHints
          keys={[
            ['↑↓', 'step'],
            ...(selected && selected.targets.length > 1 ? ([['←→', 'host']] as [string, string][]) : []),
            ...(selection.step !== undefined ? ([['f', 'follow']] as [string, string][]) : []),
            ...(model.replay?.keys ?? [
              ['q', 'pause'],
              ['^C', 'pause now'],
            ]),
          ]}
        />
      )}
    </Box>
  );
}

/** The target to show: the picked one, else the one that printed last, else the first. */
function pickHost(step: StepView, picked: string | undefined): string | undefined {
  if (picked !== undefined) return picked;
  return step.lastOutputHost ?? step.targets[0] ?? [...step.hosts.keys()][0];
}

const dialogIds = new WeakMap<Dialog, number>();
let nextDialogId = 0;
/** A fresh key per dialog, so each question starts with empty fields. */
function dialogKey(dialog: Dialog): number {
  let id = dialogIds.get(dialog);
  if (id === undefined) {
    id = nextDialogId++;
    dialogIds.set(dialog, id);
  }
  return id;
}

function DialogView({ dialog, height, width, model, resumeCommand }: { dialog: Dialog; height: number; width: number; model: RunModel; resumeCommand: string }) {
  switch (dialog.kind) {
    case 'confirm':
      return <ConfirmDialog dialog={dialog} height={height} />;
    case 'manual':
      return <ManualDialog dialog={dialog} height={height} />;
    case 'failure': {
      const failed = dialog.request.failed[0]?.unit;
      const tail = (rows: number) => (failed ? (model.step(failed.step)?.hosts.get(failed.target)?.output.tail(rows) ?? []) : []);
      return <FailureDialog dialog={dialog} height={height} tail={tail} readLog={readLogTail} />;
    }
    case 'unknown':
      return <UnknownDialog dialog={dialog} height={height} width={width} />;
    case 'host-key':
      return <HostKeyDialog dialog={dialog} height={height} />;
    case 'secret':
      return <SecretDialog dialog={dialog} height={height} />;
    case 'pause':
      return <PauseDialog dialog={dialog} height={height} resumeCommand={resumeCommand} />;
    default:
      return assertNever(dialog);
  }
}

/** The last `rows` lines of a log file (read from its last 64 KiB only), or why it cannot be read. */
export function readLogTail(path: string, rows: number): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, 65_536);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-rows);
  } catch (error) {
    return [`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/tui/App.js';
import type { RunModel } from '../../src/ui/tui/run-model.js';
import { tuiOperator } from '../../src/ui/tui/tui-operator.js';
import { feed, mount, ranUnit, startedModel, step, type Mounted } from './helpers.js';

/** Visible width of a line: ANSI stripped, one column per code point (the test text is all narrow). */
const width = (line: string) => [...stripVTControlCharacters(line)].length;

/** Close the open question (as a stop would), so the next one shows. */
function tuiOperatorStop(model: RunModel): void {
  const dialog = model.dialogs[0];
  if (dialog?.kind === 'confirm' || dialog?.kind === 'manual') dialog.answer('refused');
  model.answered(dialog!);
}

/** The live area is shorter than the terminal (so ink never clears the screen) and no line is wider. */
function expectFits(tui: Mounted, columns: number, rows: number, printedToo = true): void {
  const live = tui.live();
  expect(live.length).toBeGreaterThan(3);
  expect(live.length, live.join('\n')).toBeLessThan(rows);
  for (const line of live) expect(width(line), line).toBeLessThanOrEqual(columns);
  // The lines printed once above (<Static>) too, when they were printed at this width.
  if (printedToo) for (const line of tui.frame().split('\n')) expect(width(line), line).toBeLessThanOrEqual(columns);
}

/** A 40-step runbook with long titles, half of it done, a fan-out step printing a flood of long lines. */
async function fortySteps(columns = 80, rows = 24) {
  const steps = Array.from({ length: 40 }, (_, i) =>
    step(`step-${String(i + 1).padStart(2, '0')}-with-a-rather-long-identifier`, {
      title: `Step ${i + 1}: back up, verify and re-upload everything in the registry bucket of the global cluster`,
      targets: i === 20 ? ['cp1', 'cp2', 'cp3'] : ['local'],
      destructive: i === 21,
    }),
  );
  const model = startedModel(steps, {
    seeds: [{ id: steps[20]!.id, description: 'A description that is long enough to need cutting at eighty columns, and a second line.\nSecond line of the description.\nThird line.', planned: 'x' }],
  });
  // Mounted first, so the lines printed above the live area are printed at this terminal's width.
  const tui = await mount(model, { columns, rows });
  for (const s of steps.slice(0, 20)) feed(model, { type: 'step-started', step: s.id, units: 1 }, ...ranUnit(s.id, 'local', 'succeeded'), { type: 'step-finished', step: s.id, status: 'succeeded', durationMs: 1500 });
  const busy = steps[20]!;
  feed(model, { type: 'step-started', step: busy.id, units: 3 });
  for (const host of ['cp1', 'cp2', 'cp3']) {
    const unit = { step: busy.id, target: host };
    feed(model, { type: 'unit-started', unit, attempt: 1, command: `tar -cf /backup/${host}-minio.tar /cpaas/minio && sha256sum /backup/${host}-minio.tar\nls -la /backup\necho done\necho really done` });
    for (let i = 0; i < 500; i++) feed(model, { type: 'output', unit, stream: 'stdout', text: `line ${i} on ${host} ${'x'.repeat(150)}\n` });
  }
  await tui.settle();
  return { model, steps, tui };
}

describe('TUI in 80×24', () => {
  it('a 40-step runbook with a flood of output fits: at most 23 rows, at most 80 columns', async () => {
    const { tui } = await fortySteps();
    expectFits(tui, 80, 24);
    expect(tui.live().join('\n')).toMatch(/↑ \d+ more \(20 done\)/);
    expect(tui.live().join('\n')).toContain('↓ ');
    expect(tui.live().join('\n')).toContain('│ line 499 on cp3 xxxx');
  });

  it('every dialog fits, even with long scopes and checklists', async () => {
    const { model, steps, tui } = await fortySteps();
    const operator = tuiOperator(model);
    void operator.confirm({ step: steps[21]!.id, title: steps[21]!.title, phrase: 'acme-prod', message: 'Every image in the registry bucket will be deleted.\nThere is no undo.', scope: [...Array.from({ length: 12 }, (_, i) => `cp${i}: root@192.168.3.${i}:22`), Array.from({ length: 20 }, (_, i) => `mc rm --recursive --force minio/registry/part-${i}`).join('\n')] });
    await tui.press('');
    expectFits(tui, 80, 24);
    expect(tui.live().join('\n')).toContain('Type "acme-prod" to run it:');
    tuiOperatorStop(model);

    void operator.manual({ step: steps[22]!.id, title: 'Manual', instructions: Array.from({ length: 30 }, (_, i) => `Instruction line ${i} that is quite long and goes past the right edge of an eighty column terminal`).join('\n'), checklist: Array.from({ length: 6 }, (_, i) => `Checklist item ${i}`), record: [{ name: 'ticket', prompt: 'Change ticket number', secret: false }] });
    await tui.press('');
    expectFits(tui, 80, 24);
    expect(tui.live().join('\n')).toContain('[ ] Checklist item 5');
    expect(tui.live().join('\n')).toContain('Change ticket number:');
    tuiOperatorStop(model);

    void operator.onFailure({ step: steps[20]!.id, title: steps[20]!.title, failed: ['cp1', 'cp2', 'cp3'].map((target) => ({ unit: { step: steps[20]!.id, target }, reason: 'exit code 2: tar: /cpaas/minio: Cannot open: No such file or directory' })), logPaths: ['cp1', 'cp2', 'cp3'].map((h) => `/root/.local/state/fieldbook/runs/20261122-225901-acp-registry-full-wipe-602c/logs/${steps[20]!.id}/${h}.log`) });
    await tui.press('');
    expectFits(tui, 80, 24);
    expect(tui.live().at(-1)).toContain('r retry');
  });

  it('survives resize: smaller, then larger', async () => {
    const { tui } = await fortySteps();
    await tui.resize(50, 14);
    expectFits(tui, 50, 14, false);
    await tui.resize(120, 40);
    expectFits(tui, 120, 40);
    expect(tui.live().length).toBeGreaterThan(24);
  });
});

describe('NO_COLOR', () => {
  // ink-testing-library's stdout is not a terminal, so chalk would print no colour at all; force it on.
  const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(3[0-79]|4[0-79]|9[0-7]|10[0-7]|38;|48;)[0-9;]*m`);
  async function rawFrame(color: boolean): Promise<string> {
    // The chalk ink itself uses (a dependency of ink, not of fieldbook).
    const chalkPath = createRequire(createRequire(import.meta.url).resolve('ink')).resolve('chalk');
    const chalk = ((await import(pathToFileURL(chalkPath).href)) as { default: { level: number } }).default;
    const level = chalk.level;
    chalk.level = 3;
    try {
      const model = startedModel([step('a', { destructive: true }), step('b')]);
      feed(model, { type: 'step-started', step: 'a', units: 1 }, ...ranUnit('a', 'local', 'failed', { exitCode: 1, reason: 'exit code 1' }));
      const app = render(<App model={model} theme={{ color }} interactive={false} resumeCommand="x" onQuit={() => {}} onCtrlC={() => {}} />);
      const frame = app.lastFrame() ?? '';
      app.unmount();
      return frame;
    } finally {
      chalk.level = level;
    }
  }

  it('colours with colours on, none with NO_COLOR (bold and inverse stay: the mode stays unmissable)', async () => {
    expect(await rawFrame(true)).toMatch(COLOUR);
    const plain = await rawFrame(false);
    expect(plain).not.toMatch(COLOUR);
    expect(plain).toContain('\u001B[7m'); // inverse LIVE badge
    expect(stripVTControlCharacters(plain)).toContain(' LIVE ');
  });
});

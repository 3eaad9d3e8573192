#!/usr/bin/env node
// One output line of about 150 KB (a JSON list of 10,000 tags) and the next step's 200 KB resolved command, drawn
// by the TUI's own components (ink's renderToString) and measured by the width helpers: pure ASCII is the baseline,
// measured in the same run; the same text with one "café" or one U+202E in it must cost about the same.
// Before the fix ink measured such a text whole with Intl.Segmenter, quadratic in its length: minutes per frame.
// Target: every ratio under 2. The render rows also say how long one frame holds the event loop (and Ctrl-C).
// Usage: npm run build && node bench/long-lines.mjs [repeats=5]
import { renderToString } from 'ink';
import { createElement } from 'react';
import { displayWidth, fitWidth, wrapText } from '../dist/tables/index.js';
import { ConfirmDialog } from '../dist/ui/tui/ConfirmDialog.js';
import { DialogFrame } from '../dist/ui/tui/dialog-frame.js';
import { RunModel } from '../dist/ui/tui/run-model.js';
import { StepDetails } from '../dist/ui/tui/StepDetails.js';

const REPEATS = Number(process.argv[2] ?? 5);
const tags = (odd) => Array.from({ length: 10_000 }, (_, i) => (i === 9 ? odd : `team/app:v${i}`));

/** A confirmation, the running step's details (its 200 KB command, the 150 KB line twice), a dialog showing the command. */
function frames(odd, columns) {
  const list = tags(odd);
  const line = JSON.stringify(list);
  const command = `printf '%s\\n' ${list.map((t) => `'${t}'`).join("$'\\n'")}`;
  const model = new RunModel({ repaintMs: 0 });
  const overview = (id) => ({ id, title: id, kind: 'run', destructive: false, readonly: false, targets: ['local'] });
  model.apply({ type: 'run-started', runId: 'b', runDir: '/b', mode: 'live', title: 'bench', runbook: 'b', site: 'lab', steps: [overview('show')], resumed: false });
  model.apply({ type: 'step-started', step: 'show', units: 1 });
  const unit = { step: 'show', target: 'local' };
  model.apply({ type: 'unit-started', unit, attempt: 1, command });
  model.apply({ type: 'output', unit, stream: 'stdout', text: `${line}\n${line}` });
  const step = model.step('show');
  // A confirmation with the list reviewed (10,000 items and one of 150 KB), a 150 KB message and the command.
  const items = [line, ...list];
  const request = { step: 'prune', title: 'prune', phrase: 'lab', message: line, scope: ['local: this machine', command], review: { items, digest: 'b'.repeat(64) } };
  const dialog = { kind: 'confirm', request, answer: () => undefined };
  return [
    () => renderToString(createElement(ConfirmDialog, { dialog, height: 20 }), { columns }),
    () => renderToString(createElement(StepDetails, { step, host: 'local', height: 20, now: 0, width: columns }), { columns }),
    () => renderToString(createElement(DialogFrame, { title: { text: 'DESTRUCTIVE' }, optional: [{ text: `  $ ${command}` }], required: [], keys: [], height: 20 }), { columns }),
  ];
}

function best(fn) {
  let min = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    fn();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

const cases = [
  ['one "café"', 'café'],
  ['one U+202E', '\u202e'],
];
const rows = [];
for (const columns of [80, 200]) {
  const base = frames('cafe', columns);
  const baseMs = best(() => base.forEach((draw) => draw()));
  for (const [name, odd] of cases) {
    const draw = frames(odd, columns);
    const ms = best(() => draw.forEach((d) => d()));
    rows.push([`render at ${columns} columns, ${name}`, baseMs, ms]);
  }
}
const ascii = JSON.stringify(tags('cafe'));
for (const [name, odd] of cases) {
  const text = JSON.stringify(tags(odd));
  rows.push([`displayWidth, ${name}`, best(() => displayWidth(ascii)), best(() => displayWidth(text))]);
  rows.push([`wrapText to 80, ${name}`, best(() => wrapText(ascii, 80)), best(() => wrapText(text, 80))]);
  rows.push([`fitWidth to 400, ${name}`, best(() => fitWidth(ascii, 400)), best(() => fitWidth(text, 400))]);
}
const all = 'é'.repeat(150_000);
rows.push(['fitWidth to 400, 150 KB of "é" (baseline: 1 KB of it)', best(() => fitWidth(all.slice(0, 1_000), 400)), best(() => fitWidth(all, 400))]);

console.log(`${'case'.padEnd(58)} ${'ASCII ms'.padStart(9)} ${'ms'.padStart(9)} ${'ratio'.padStart(6)}`);
for (const [name, baseMs, ms] of rows) console.log(`${name.padEnd(58)} ${baseMs.toFixed(2).padStart(9)} ${ms.toFixed(2).padStart(9)} ${(ms / baseMs).toFixed(2).padStart(6)}`);

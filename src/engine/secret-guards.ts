import type { CaptureSpec } from '../schema/runbook.js';
import { MASK, type Masker } from '../secrets/masker.js';
import type { Command } from '../schema/transport.js';

/**
 * Where a secret cannot go, checked with the values only the run knows (`validate` refuses the uses it can see
 * in the runbook: secret-uses.ts). Each answer names the place, never the value.
 */

/** A `foreach` item or a `pods: all` pod holding a secret: items are journaled and name their units. */
export function secretItem(items: readonly string[], masker: Masker, what: 'item' | 'pod'): string | undefined {
  const at = items.findIndex((item) => masker.mask(item) !== item);
  if (at === -1) return undefined;
  return what === 'item'
    ? `item ${at + 1} of its foreach list holds a secret (${masker.mask(items[at]!)}): foreach items are journaled and name their units in logs, reports and the UI; loop over it inside the script instead`
    : `the name of pod ${at + 1} of the selector holds a secret (${masker.mask(items[at]!)}): pod names are journaled and name their units`;
}

/** A secret in a process's argv, which every user of the machine can read (ps, /proc). */
export function secretInArgv(command: Command, masker: Masker): string | undefined {
  const words = argvOf(command);
  const at = words.findIndex(([, word]) => masker.mask(word) !== word);
  if (at === -1) return undefined;
  const who = command.kind === 'argv' ? 'a process' : 'kubectl';
  return `${words[at]![0]} holds a secret (${masker.mask(words[at]![1])}), and ${who}'s argv is visible to every user of the machine (ps); use a \`run\` step that hands it on stdin`;
}

function argvOf(command: Command): [string, string][] {
  switch (command.kind) {
    case 'script':
      return [];
    case 'argv':
      return command.argv.map((word, i) => [`argv[${i}]`, word]);
    case 'kubectl':
      return command.args.map((word, i) => [`kubectl.args[${i}]`, word]);
    case 'kubectl-exec':
      return (['namespace', 'pod', 'selector', 'container'] as const).flatMap((key) => (command.exec[key] === undefined ? [] : [[`kubectl.exec.${key}`, command.exec[key]!]]));
  }
}

/**
 * A capture that held a secret: it is taken from the masked output, so it holds ****, which the journal keeps
 * and later steps would receive in place of the value. Judged by a **** in the value from a stream that masked
 * something (a tool's own literal **** in an output with no secret is a value like any other).
 */
export function secretCapture(specs: Record<string, CaptureSpec>, outputs: Record<string, unknown>, masked: { stdout: boolean; stderr: boolean }, masker: Masker): string | undefined {
  const hidden = Object.keys(outputs).find((key) => masked[specs[key]?.from ?? 'stdout'] && JSON.stringify(outputs[key]).includes(MASK));
  // A value a capture decoded or assembled (a JSON \u escape, a query joining two halves) was never in the output
  // the masker saw: the secret is looked for in the values themselves, as they would be journaled.
  const decoded = hidden ?? Object.keys(outputs).find((key) => holdsSecret(outputs[key], masker));
  if (decoded === undefined) return undefined;
  return `capture "${decoded}" held a secret (shown as ${MASK}): a capture is journaled and handed to later steps as ${MASK}, so a secret cannot be captured; capture something else, or let the step that needs the secret read it itself`;
}

function holdsSecret(value: unknown, masker: Masker): boolean {
  const text = JSON.stringify(value) ?? '';
  // As journaled (JSON escapes) and as the value's own strings.
  return masker.mask(text) !== text || strings(value).some((s) => masker.mask(s) !== s);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

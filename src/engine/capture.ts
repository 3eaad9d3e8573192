import type { CaptureSpec } from '../schema/runbook.js';
import { runQuery } from '../template/json-query.js';
import { matchBounded, type RegexBounds, type RegexJob, type RegexMatch } from './regex-worker.js';

/** Captured text is bounded: a capture of more than this fails the step instead of eating memory. */
export const MAX_CAPTURE_BYTES = 16 * 1024 * 1024;

/** JSON nested deeper than this is refused: far beyond any API object, and deep enough to overflow a stack later. */
export const MAX_JSON_DEPTH = 100;

/** How long a step without a timeout gives its capture regexes. */
export const DEFAULT_CAPTURE_BUDGET_MS = 10_000;

/** A regex never gets less than this, so a command that used most of its timeout can still be captured. */
export const MIN_CAPTURE_BUDGET_MS = 1_000;

export type CaptureResult = { outputs: Record<string, unknown> } | { error: string; stopped?: 'timeout' | 'interrupted' };

/**
 * Take every declared capture from a unit's (masked) output; a capture that finds nothing is an error. Regexes run
 * in a worker within `bounds` (see regex-worker.ts); everything else is linear in the text and runs here.
 */
export async function captureOutputs(specs: Record<string, CaptureSpec>, output: { stdout: string; stderr: string }, bounds: RegexBounds): Promise<CaptureResult> {
  const entries = Object.entries(specs);
  const jobs: RegexJob[] = entries.flatMap(([, spec]) => (spec.regex === undefined ? [] : [{ pattern: spec.regex, from: spec.from, all: spec.all === true }]));
  const matched = await matchBounded(jobs, output, bounds);
  if ('stopped' in matched) {
    const why = matched.stopped === 'timeout' ? `stopped after ${seconds(bounds.budgetMs)} (the time left of the step's timeout, or ${seconds(DEFAULT_CAPTURE_BUDGET_MS)} without one)` : 'interrupted by the operator';
    return { error: `capture regex ${why}`, stopped: matched.stopped };
  }
  if ('error' in matched) return { error: `capture regex failed: ${matched.error}` };
  const outputs: Record<string, unknown> = {};
  let job = 0;
  for (const [name, spec] of entries) {
    const result = spec.regex === undefined ? captureText(spec, output[spec.from]) : fromMatches(spec, spec.regex, matched.matches[job++]!);
    if ('error' in result) return { error: `capture ${name}: ${result.error}` };
    outputs[name] = result.value;
  }
  return { outputs };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;

function fromMatches(spec: CaptureSpec, regex: string, matches: RegexMatch[]): { value: unknown } | { error: string } {
  const pick = (match: RegexMatch) => {
    const group = spec.group ?? (match.groups.length > 1 ? 1 : 0);
    return { group, value: typeof group === 'number' ? match.groups[group] : match.named?.[group] };
  };
  // Every match, in order: the lines a dry run prints per candidate, say. No match is a list of none.
  if (spec.all) return { value: matches.map((m) => pick(m).value).filter((v): v is string => v !== undefined) };
  const [match] = matches;
  if (!match) return { error: `/${regex}/ did not match ${spec.from}` };
  const { group, value } = pick(match);
  if (value === undefined) return { error: `/${regex}/ matched but group ${group} is empty` };
  return { value };
}

function captureText(spec: CaptureSpec, text: string): { value: unknown } | { error: string } {
  if (spec.lines) return { value: text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0) };
  if (spec.json) {
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) return { error: `${spec.from} is JSON nested more than ${MAX_JSON_DEPTH} levels deep; fieldbook reads at most ${MAX_JSON_DEPTH}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { error: `${spec.from} is not JSON (${(error as Error).message})` };
    }
    if (spec.query !== undefined) return queried(parsed, spec.query);
    if (spec.path === undefined) return { value: parsed };
    let value = parsed;
    for (const key of spec.path.split('.')) {
      // Own keys only: `constructor` in a path is a key the host printed, never Object's.
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return { error: `JSON has no "${spec.path}" (stopped at "${key}")` };
      value = (value as Record<string, unknown>)[key];
    }
    return { value };
  }
  return { value: text.trim() };
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`: one pass, before parsing, so a document nested
 * 200,000 deep is refused here instead of overflowing the stack of whatever walks it later (the journal).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function queried(parsed: unknown, query: string): { value: unknown } | { error: string } {
  let value: unknown;
  try {
    value = runQuery(parsed, query);
  } catch (error) {
    return { error: `query ${query}: ${(error as Error).message}` };
  }
  // JMESPath answers null for a path that is not there: that is nothing found, as for `path`.
  if (value === null) return { error: `query ${query} found nothing (null)` };
  // `from_json` parses text the host printed: what it gives is bounded like the output itself.
  if (valueDeeperThan(value, MAX_JSON_DEPTH)) return { error: `query ${query} gives a value nested more than ${MAX_JSON_DEPTH} levels deep; fieldbook reads at most ${MAX_JSON_DEPTH}` };
  return { value };
}

/** Whether a parsed value nests deeper than `max`, walked without recursion. */
function valueDeeperThan(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Collects a stream for captures, refusing to grow past MAX_CAPTURE_BYTES. */
export class CaptureBuffer {
  private chunks: string[] = [];
  private size = 0;
  overflowed = false;

  push(text: string): void {
    if (this.overflowed) return;
    this.size += text.length;
    if (this.size > MAX_CAPTURE_BYTES) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(text);
  }

  text(): string {
    return this.chunks.join('');
  }
}

import type { CaptureSpec } from '../schema/runbook.js';
import { runQuery } from '../template/json-query.js';

/** Captured text is bounded: a capture of more than this fails the step instead of eating memory. */
export const MAX_CAPTURE_BYTES = 16 * 1024 * 1024;

/** Take every declared capture from a unit's (masked) output. Pure; a capture that finds nothing is an error. */
export function captureOutputs(specs: Record<string, CaptureSpec>, output: { stdout: string; stderr: string }): { outputs: Record<string, unknown> } | { error: string } {
  const outputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const result = captureOne(spec, output[spec.from]);
    if ('error' in result) return { error: `capture ${name}: ${result.error}` };
    outputs[name] = result.value;
  }
  return { outputs };
}

function captureOne(spec: CaptureSpec, text: string): { value: unknown } | { error: string } {
  if (spec.regex !== undefined && spec.all) {
    // Every match, in order: the lines a dry run prints per candidate, say. No match is a list of none.
    const values: string[] = [];
    for (const match of text.matchAll(new RegExp(spec.regex, 'gmu'))) {
      const group = spec.group ?? (match.length > 1 ? 1 : 0);
      const value = typeof group === 'number' ? match[group] : match.groups?.[group];
      if (value !== undefined) values.push(value);
    }
    return { value: values };
  }
  if (spec.regex !== undefined) {
    const match = new RegExp(spec.regex, 'mu').exec(text);
    if (!match) return { error: `/${spec.regex}/ did not match ${spec.from}` };
    const group = spec.group ?? (match.length > 1 ? 1 : 0);
    const value = typeof group === 'number' ? match[group] : match.groups?.[group];
    if (value === undefined) return { error: `/${spec.regex}/ matched but group ${group} is empty` };
    return { value };
  }
  if (spec.lines) return { value: text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0) };
  if (spec.json) {
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
      if (value === null || typeof value !== 'object' || !(key in value)) return { error: `JSON has no "${spec.path}" (stopped at "${key}")` };
      value = (value as Record<string, unknown>)[key];
    }
    return { value };
  }
  return { value: text.trim() };
}

function queried(parsed: unknown, query: string): { value: unknown } | { error: string } {
  let value: unknown;
  try {
    value = runQuery(parsed, query);
  } catch (error) {
    return { error: `query ${query}: ${(error as Error).message}` };
  }
  // JMESPath answers null for a path that is not there: that is nothing found, as for `path`.
  return value === null ? { error: `query ${query} found nothing (null)` } : { value };
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

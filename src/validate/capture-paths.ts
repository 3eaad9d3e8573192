// A path past an output's name (`steps.a.outputs.files.0`, `steps.a.outputs.info.name`) is checked against what
// the capture can hold, so `validate` catches a key into text or a name into a list of lines before a run does.
import type { StepSpec } from '../schema/runbook.js';

/** What one execution's output holds: text, a list of text, or JSON (anything, checked at run time). */
type Shape = 'text' | 'list' | 'json';

const INDEX = /^[0-9]+$/;

/**
 * The problem with the path `deeper` into output `name` of `producer`, or undefined. `output` is how the runbook
 * wrote it (`steps.a.outputs.files`); `perHost` is true for `steps.a.hosts.<host>.outputs.<name>`.
 */
export function capturePathProblem(producer: StepSpec, name: string, output: string, deeper: string[], perHost: boolean): string | undefined {
  if (deeper.length === 0) return undefined;
  // On a role, `outputs.<name>` is one host's value or the list of every host's: the site decides.
  if (!perHost && producer.on !== undefined && producer.on !== 'local') return undefined;
  let rest = deeper;
  let at = output;
  if (producer.foreach !== undefined) {
    const [index] = rest;
    if (!INDEX.test(index!)) return `${at} is a list, one value per item of its foreach: "${index}" is not an index (${at}.0 is the first)`;
    at = `${at}.${index}`;
    rest = rest.slice(1);
    if (rest.length === 0) return undefined;
  }
  const shape = shapeOf(producer, name);
  if (shape === 'json') return undefined;
  if (shape === 'list') {
    const [index, ...more] = rest;
    if (!INDEX.test(index!)) return `${at} is a list of text: "${index}" is not an index (${at}.0 is the first)`;
    if (more.length === 0) return undefined;
    return `${at}.${index} is text, which has no "${more[0]}"`;
  }
  return `${at} is text, which has no "${rest[0]}"`;
}

function shapeOf(step: StepSpec, name: string): Shape {
  const capture = step.capture[name];
  if (capture === undefined) return 'text'; // a value a manual step records
  if (capture.json) return 'json';
  if (capture.lines || (capture.regex !== undefined && capture.all)) return 'list';
  return 'text';
}

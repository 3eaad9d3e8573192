import type { Operator } from '../../engine/operator.js';
import { visibleText } from '../../text/visible.js';
import type { RunUi } from '../run-ui.js';
import { createJsonRenderer } from './json-renderer.js';
import { createPlainRenderer } from './plain-renderer.js';
import { promptOperator } from './prompt-operator.js';
import { createPrompter } from './prompts.js';
import { stdoutWriter } from './stdout-writer.js';

export interface PlainUiOptions {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Ask questions at line prompts (a terminal on stdin). */
  interactive: boolean;
}

/** One line per state change (CI logs, `tee`), with line prompts on a terminal. */
export function createPlainUi(options: PlainUiOptions): RunUi {
  // Everything the plain UI writes is shown to a person: a host's output, titles, reasons, list items. None of it
  // may drive the terminal; fieldbook adds no escapes of its own here.
  const toStdout = stdoutWriter(options.stdout);
  const write = (text: string) => toStdout(visibleText(text));
  const renderer = createPlainRenderer(write);
  const prompter = options.interactive ? createPrompter(options.stdin, options.stdout) : undefined;
  const operator: Operator | undefined = prompter ? promptOperator(prompter, write) : undefined;
  return {
    render: (event) => renderer.render(event),
    operator,
    ...(prompter ? { askSecret: (prompt: string) => prompter.askHidden(`${prompt} `) } : {}),
    interrupted: (message) => options.stderr.write(`\n${message}\n`),
    close: async () => renderer.flush(),
    abandon: () => renderer.flush(),
  };
}

/** One JSON event per line (docs/json-events.md); never asks. */
export function createJsonUi(options: Pick<PlainUiOptions, 'stdout' | 'stderr'>): RunUi {
  const renderer = createJsonRenderer(stdoutWriter(options.stdout));
  return {
    render: (event) => renderer.render(event),
    operator: undefined,
    interrupted: (message) => options.stderr.write(`${message}\n`),
    close: async () => renderer.flush(),
    abandon: () => renderer.flush(),
  };
}

import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { visibleText } from '../../text/visible.js';

/** Line prompts on a terminal; one question at a time. */
export interface Prompter {
  ask(question: string): Promise<string>;
  askHidden(question: string): Promise<string>;
  /** Tell the person something between questions (why an answer was refused). */
  say(text: string): void;
}

/** Prompts over the given streams; hidden answers are not echoed. */
export function createPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const ask = async (question: string, hidden: boolean) => {
    let muted = false;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!muted) output.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input, output: sink, terminal: (input as { isTTY?: boolean }).isTTY === true });
    try {
      const answer = rl.question(visibleText(question));
      muted = hidden;
      const text = await answer;
      if (hidden) output.write('\n');
      return text;
    } finally {
      rl.close();
    }
  };
  return { ask: (q) => ask(q, false), askHidden: (q) => ask(q, true), say: (text) => void output.write(visibleText(text)) };
}

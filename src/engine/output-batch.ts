/** Which stream a piece of output came from. */
export type OutputStream = 'stdout' | 'stderr';

/**
 * Gathers the output that arrives in one turn of the event loop and hands it on once that turn's synchronous
 * work is done, as one text per run of the same stream, in arrival order. ssh2 emits each SSH packet (32 KiB
 * at most) of a socket read on its own: a chatty step then costs one log write, one render and one UI write per
 * read instead of per packet.
 */
export class OutputBatch {
  private runs: { stream: OutputStream; texts: string[] }[] = [];
  private scheduled = false;

  constructor(private readonly deliver: (stream: OutputStream, text: string) => void) {}

  push(stream: OutputStream, text: string): void {
    if (text === '') return;
    const last = this.runs.at(-1);
    if (last?.stream === stream) last.texts.push(text);
    else this.runs.push({ stream, texts: [text] });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  /** Hand on everything gathered so far, now. */
  drain(): void {
    this.scheduled = false;
    const runs = this.runs;
    this.runs = [];
    for (const { stream, texts } of runs) this.deliver(stream, texts.length === 1 ? texts[0]! : texts.join(''));
  }
}

import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../template/shell-quote.js';
import type { RemoteInvocation } from './script.js';

/**
 * `become: sudo` without ever feeding a password to the script's shell. sudo runs with a unique prompt
 * (`-S -p <marker>`); the transport writes the password only when that prompt appears on stderr, and writes
 * the script only after the elevated shell announced itself with a second marker. A NOPASSWD host therefore
 * never receives the password on stdin, where bash would read it as a command.
 */
export class SudoGate {
  readonly prompt: string;
  readonly ready: string;
  private buffer = Buffer.alloc(0);
  private prompts = 0;
  state: 'waiting' | 'ready' = 'waiting';

  constructor(nonce = randomBytes(8).toString('hex')) {
    this.prompt = `[fieldbook-sudo-prompt-${nonce}]`;
    this.ready = `[fieldbook-sudo-ready-${nonce}]`;
  }

  /** The remote command line. `-n` (never prompt) when no password can be obtained at all. */
  command(invocation: RemoteInvocation, canPrompt: boolean): string {
    // sudo resets the environment, so exports and cd happen in the elevated shell.
    const inner = shellQuote(`${invocation.setup}echo '${this.ready}' >&2; exec "$@"`);
    const argv = invocation.argv.map(shellQuote).join(' ');
    const sudo = canPrompt ? `sudo -S -p '${this.prompt}'` : 'sudo -n';
    return `exec ${sudo} -- sh -c ${inner} sh ${argv}`;
  }

  /**
   * Feeds stderr while waiting. Returns what the transport must do next and any stderr bytes that belong to
   * the script (everything after the ready marker).
   */
  feed(chunk: Buffer): { event?: 'password' | 'rejected' | 'ready'; passthrough?: Buffer } {
    if (this.state === 'ready') return { passthrough: chunk };
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const readyAt = this.buffer.indexOf(this.ready);
    if (readyAt >= 0) {
      this.state = 'ready';
      let rest = this.buffer.subarray(readyAt + this.ready.length);
      if (rest[0] === 0x0a) rest = rest.subarray(1);
      this.buffer = Buffer.alloc(0);
      return { event: 'ready', ...(rest.length > 0 ? { passthrough: rest } : {}) };
    }
    const promptAt = this.buffer.indexOf(this.prompt);
    if (promptAt >= 0) {
      this.buffer = Buffer.concat([this.buffer.subarray(0, promptAt), this.buffer.subarray(promptAt + this.prompt.length)]);
      this.prompts++;
      return { event: this.prompts === 1 ? 'password' : 'rejected' };
    }
    return {};
  }

  /** What sudo said before the script started (its refusal, when it refused), markers removed. */
  said(): string {
    return this.buffer.toString('utf8').trim();
  }
}

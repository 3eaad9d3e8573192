import type { EngineEvent } from '../engine/events.js';
import type { Operator } from '../engine/operator.js';

/** What `drive()` needs from a UI: the TUI, the plain lines and the JSON lines all provide it. */
export interface RunUi {
  render(event: EngineEvent): void;
  /** Asks the person at the keyboard; `undefined` when nobody can be asked (the run stops with exit 3 instead). */
  operator: Operator | undefined;
  /** A password or passphrase typed hidden (SSH); absent when nobody can be asked. */
  askSecret?: (prompt: string) => Promise<string | undefined>;
  /** The operator interrupted: say what happens now, and answer every open question with "stop". */
  interrupted(message: string): void;
  /** The run is over: flush, give the terminal back, print the last lines. */
  close(): Promise<void>;
  /** Exiting at once (second Ctrl-C): give the terminal back now, synchronously. */
  abandon(): void;
}

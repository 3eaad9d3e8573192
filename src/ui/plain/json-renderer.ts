import type { EngineEvent } from '../../engine/events.js';
import { safeJson } from '../../text/visible.js';

/** One JSON object per line per engine event (see docs/json-events.md), for other tools. */
export function createJsonRenderer(write: (text: string) => void): { render(event: EngineEvent): void; flush(): void } {
  return {
    render: (event) => write(`${safeJson({ at: new Date().toISOString(), ...event })}\n`),
    flush: () => {},
  };
}

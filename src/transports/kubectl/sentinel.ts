import { randomBytes } from 'node:crypto';
import { buildPayload } from '../payload.js';

/**
 * kubectl can exit 0 when an exec stream drops (SPDY), so its exit code alone is not an outcome. An outer shell
 * runs the script's shell and then prints a marker line with its exit status; whatever the script does (exit,
 * set -e, its own EXIT trap), the marker comes after it. No marker means the outcome is unknown. The marker is
 * stripped from the output. Only the fixed wrapper and a random nonce are in argv; the script is on stdin.
 */
export interface ExitMarker {
  /** The container's argv after `--`. */
  argv: string[];
  /** What goes on stdin. */
  input: string;
  filter: MarkerFilter;
}

export interface MarkerFilter {
  /** Output safe to pass on now (a possible start of the marker is held back). */
  push(text: string): string;
  /** At the end: what was held back, and the exit code the marker carried (undefined when none came). */
  end(): { rest: string; exitCode: number | undefined };
}

/** Run a script so its exit status arrives in a marker line only this run knows. */
export function withExitMarker(script: string, shell: 'sh' | 'bash', nonce = randomBytes(6).toString('hex')): ExitMarker {
  const marker = `__FIELDBOOK_EXIT_${nonce}__`;
  const wrapper = `${shell} -se; __fieldbook_rc=$?; printf '\\n${marker} %s\\n' "$__fieldbook_rc"; exit "$__fieldbook_rc"`;
  return { argv: [shell, '-c', wrapper], input: buildPayload(script, shell).toString('utf8'), filter: markerFilter(`\n${marker} `) };
}

function markerFilter(prefix: string): MarkerFilter {
  let held = '';
  let exitCode: number | undefined;
  let done = false;
  return {
    push(text) {
      if (done) return '';
      const data = held + text;
      const at = data.indexOf(prefix);
      if (at >= 0) {
        const lineEnd = data.indexOf('\n', at + prefix.length);
        if (lineEnd < 0) {
          held = data.slice(at);
          return data.slice(0, at);
        }
        const code = Number(data.slice(at + prefix.length, lineEnd));
        if (Number.isInteger(code)) exitCode = code;
        done = true;
        held = '';
        return data.slice(0, at) + data.slice(lineEnd + 1);
      }
      const keep = longestPrefixSuffix(data, prefix);
      held = data.slice(data.length - keep);
      return data.slice(0, data.length - keep);
    },
    end() {
      const rest = done ? '' : held;
      held = '';
      return { rest, exitCode };
    },
  };
}

/** Length of the longest suffix of `text` that is a prefix of `prefix`. */
function longestPrefixSuffix(text: string, prefix: string): number {
  for (let n = Math.min(prefix.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(prefix.slice(0, n))) return n;
  }
  return 0;
}

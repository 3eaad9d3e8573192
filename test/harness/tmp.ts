import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export function makeTempDir(prefix = 'fieldbook-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A fresh temp directory for the current test, removed when the test finishes (pass or fail). */
export function tempDirForTest(prefix = 'fieldbook-'): string {
  const dir = makeTempDir(prefix);
  onTestFinished(() => dir.remove());
  return dir.path;
}

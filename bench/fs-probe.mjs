// How long this file system takes to create a directory and a file, as a run does for every step's log.
// ext4 skips inodes freed in the last minute or so when it allocates new ones, and after mass deletions (a test
// suite, an earlier benchmark cleaning up) that scan makes each create about ten times slower for a minute:
// the benchmarks print this figure so a slow run can be told from a slow disk.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** Microseconds per (mkdir + create file) in `dir`, over `count` pairs; leaves them for the caller's cleanup. */
export function probeFileCreation(dir, count = 200) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, `probe-${i}`), { recursive: true });
    closeSync(openSync(join(dir, `probe-${i}`, 'probe.log'), 'a'));
  }
  return ((performance.now() - start) * 1000) / count;
}

/** One line for a benchmark's header. */
export function fileCreationNote(dir) {
  const us = probeFileCreation(dir);
  // Seen here: 40-180 µs normally, 300-600 µs within a minute of a test suite's cleanup.
  const slow = us > 250 ? ' (slow: were many files deleted in the last minute? wait and run again)' : '';
  return `file system: ${us.toFixed(0)} µs per directory + file created${slow}`;
}

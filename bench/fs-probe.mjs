// How long this file system takes to create a directory and a file, as a run does for every step's log.
// ext4 skips recently freed inodes when it allocates new ones, and after mass deletions (a test suite, an
// earlier benchmark cleaning up) that scan made each create ten times slower here, for minutes: the benchmarks
// print this figure so that a slow run can be told from a slow file system.
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
  // Seen here: 40-180 µs normally, 300-1500 µs in the minutes after a test suite's cleanup.
  const slow = us > 250 ? ' (slow: were many files deleted in the last minutes? figures that create files suffer)' : '';
  return `file system: ${us.toFixed(0)} µs per directory + file created${slow}`;
}

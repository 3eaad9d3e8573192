// Loaded with `node --import`: at exit, write this process's CPU time and peak RSS to $FIELDBOOK_BENCH_RUSAGE.
import { writeFileSync } from 'node:fs';

const out = process.env.FIELDBOOK_BENCH_RUSAGE;
if (out) process.on('exit', () => writeFileSync(out, JSON.stringify(process.resourceUsage())));

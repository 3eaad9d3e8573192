import { main } from './main.js';

// A reader that went away (`fieldbook runs | head -1`) loses the rest of the output, nothing more: the command
// still finishes what it does (an abandon already journaled, say) instead of dying on EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));

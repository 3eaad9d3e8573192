import type { Operator } from '../../engine/operator.js';
import { unitLabel } from '../../journal/events.js';
import type { Prompter } from './prompts.js';

const MAX_PHRASE_TRIES = 3;

/** An operator answering on a plain terminal: typed phrases, y/n checklists, one-letter choices. */
export function promptOperator(prompter: Prompter, write: (text: string) => void): Operator {
  const choose = async <T extends string>(question: string, choices: Record<string, T>): Promise<T> => {
    for (;;) {
      const answer = (await prompter.ask(question)).trim().toLowerCase();
      const choice = choices[answer];
      if (choice) return choice;
      write(`  answer one of: ${Object.keys(choices).join(', ')}\n`);
    }
  };
  const reason = async (what: string) => {
    for (;;) {
      const text = (await prompter.ask(`  reason for ${what}: `)).trim();
      if (text) return text;
    }
  };
  return {
    async confirm(request) {
      write(`\n!! ${request.title} is DESTRUCTIVE.\n${request.message ? `   ${request.message}\n` : ''}${request.scope.map((line) => `   ${line.split('\n').join('\n   ')}`).join('\n')}\n`);
      for (let i = 0; i < MAX_PHRASE_TRIES; i++) {
        const typed = await prompter.ask(`   Type "${request.phrase}" to run it (empty to stop): `);
        if (typed === '') return 'refused';
        if (typed === request.phrase) return { phrase: typed, via: 'prompt' };
        write('   That is not the phrase; nothing was run.\n');
      }
      return 'refused';
    },
    async manual(request) {
      write(`\n== ${request.title} (manual step)\n${request.instructions.trim()}\n`);
      for (const item of request.checklist) {
        const done = await choose(`  [ ] ${item} — done? (y/n) `, { y: 'y', yes: 'y', n: 'n', no: 'n' });
        if (done === 'n') return 'refused';
      }
      const values: Record<string, string> = {};
      for (const record of request.record) {
        for (;;) {
          const value = record.secret ? await prompter.askHidden(`  ${record.prompt}: `) : await prompter.ask(`  ${record.prompt}: `);
          if (value && (!record.pattern || new RegExp(record.pattern, 'u').test(value))) {
            values[record.name] = value;
            break;
          }
          write(record.pattern ? `  expected a value matching ${record.pattern}\n` : '  a value is required\n');
        }
      }
      return { values, via: 'prompt' };
    },
    async onFailure(request) {
      write(`\n!! ${request.title} failed:\n${request.failed.map((f) => `   ${unitLabel(f.unit)}: ${f.reason}`).join('\n')}\n   logs: ${request.logPaths.join(', ')}\n`);
      const decision = await choose('   [r]etry, [s]kip, [a]bort? ', { r: 'retry', retry: 'retry', s: 'skip', skip: 'skip', a: 'abort', abort: 'abort' } as const);
      return { decision, reason: decision === 'skip' ? await reason('skipping') : `operator chose ${decision}`, via: 'prompt' };
    },
    async acceptHostKey(request) {
      write(`\n?? ${request.host} (${request.address}:${request.port}) is not in known_hosts.\n   ${request.keyType} key fingerprint ${request.fingerprint}\n   Compare it with the fingerprint the customer gave you before accepting.\n`);
      return (await choose('   Accept and record it? (yes/no) ', { yes: 'accept', no: 'refuse' } as const));
    },
    async decideUnknown(request) {
      const printed = request.lastLines.length ? ['   it printed last:', ...request.lastLines.slice(-5).map((line) => `   │ ${line}`)] : ['   it printed nothing'];
      const check = request.check ? ['   check the target before you decide:', ...request.check.split('\n').map((line) => `     ${line}`)] : ['   it may have finished, partly run, or not run at all: check the target first'];
      write(`\n?? ${unitLabel(request.unit)} (${request.title}): outcome unknown (${request.reason}).\n${[...printed, `   log: ${request.logPath}`, ...check].join('\n')}\n`);
      const rerun = request.destructive ? '[r]erun it (its phrase is asked next)' : '[r]erun it';
      const decision = await choose(`   ${rerun}, mark it [d]one, or [s]kip it? `, { r: 'rerun', rerun: 'rerun', d: 'done', done: 'done', s: 'skip', skip: 'skip' } as const);
      return { decision, reason: await reason(decision), via: 'prompt' };
    },
  };
}

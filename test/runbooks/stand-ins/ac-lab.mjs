// The `ac` stand-in's commands (run by stand-ins/ac, which reads the lab's ac-lab.env): `ac version`,
// `ac adm prune images`, `ac adm registry gc`, their -h/--help, and cobra's errors for unknown commands and flags.
// ac is kubectl-compatible: `ac get ...` (and the other read verbs in KUBECTL_VERBS) runs the real kubectl with the
// lab's kubeconfig (AC_LAB_KUBECONFIG: the cluster this ac is "logged in" to), whatever KUBECONFIG the caller has.
// AC_LAB_FLAVOR=old is an older ac without --confirm (and without --prune-registry): it refuses them as cobra
// refuses any unknown flag. Flags and their meaning: alauda/acp-docs managing_access_and_cleanup.mdx and
// alauda/knowledge KB260400002; flag help texts are the lab's wording.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { UsageError, flagUsages, parseFlags } from './ac-flags.mjs';
import { pruneImages } from './ac-prune.mjs';
import { registryGc } from './ac-registry-gc.mjs';

const env = process.env;
const old = env.AC_LAB_FLAVOR === 'old';
const args = process.argv.slice(2);

const PRUNE_FLAGS = {
  all: { type: 'bool', usage: 'Ignore the retention filters (--keep-tag-revisions, --keep-younger-than) and prune every image not in use. Whitelist rules still apply.' },
  'catalog-page-size': { type: 'int', default: 1000, usage: 'Number of repositories to request per page of the registry catalog (1-10000).' },
  ...(old ? {} : { confirm: { type: 'bool', usage: 'Delete the eligible image manifests. Without it nothing is deleted.' } }),
  'dry-run': { type: 'bool', usage: 'Print the prune candidates without deleting anything (the default).' },
  'keep-tag-revisions': { type: 'int', default: 3, usage: 'Keep the latest N revisions per repository.' },
  'keep-younger-than': { type: 'duration', default: 60 * 60_000, usage: 'Keep images created less than this long ago.' },
  ...(old ? {} : { 'prune-registry': { type: 'bool', usage: 'Run registry garbage collection after a confirmed prune (no effect in a dry run).' } }),
  'registry-url': { type: 'string', usage: 'The registry endpoint to use instead of the detected one (http:// or https://; https when no scheme is given).' },
  whitelist: { type: 'stringArray', usage: 'Do not prune repositories matching this regular expression (repeatable; any match protects the repository).' },
};
const GC_FLAGS = old ? {} : { confirm: { type: 'bool', usage: 'Delete the unreferenced blobs. Without it the command only shows what would be freed.' } };

/** kubectl's verbs that ac answers by running kubectl (reads, and exec/logs/wait), with their short help. */
const KUBECTL_VERBS = {
  'api-resources': 'Print the supported API resources on the server',
  auth: 'Inspect authorization',
  describe: 'Show details of a specific resource or group of resources',
  exec: 'Execute a command in a container',
  get: 'Display one or many resources',
  logs: 'Print the logs for a container in a pod',
  wait: 'Experimental: Wait for a specific condition on one or many resources',
};
/** kubectl's global flags that take a value as the next word (`ac -n ns get ...`). */
const KUBECTL_VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--request-timeout', '--cache-dir', '-v', '--v']);

const COMMANDS = {
  ac: { short: 'ACP CLI (the fieldbook lab\'s stand-in)', children: ['adm', 'version', ...Object.keys(KUBECTL_VERBS).sort()] },
  ...Object.fromEntries(Object.entries(KUBECTL_VERBS).map(([verb, short]) => [`ac ${verb}`, { short }])),
  'ac version': { short: 'Print the client version information', flags: { client: { type: 'bool', usage: 'If true, shows client version only (no server required).' } }, run: version },
  'ac adm': { short: 'ACP administrative tools for cluster management', children: ['prune', 'registry'] },
  'ac adm prune': { short: 'Remove older versions of resources from the server', children: ['images'] },
  'ac adm prune images': { short: old ? 'List the unreferenced images of the image registry' : 'Remove unreferenced images from the image registry (a dry run unless --confirm)', flags: PRUNE_FLAGS, run: pruneImages },
  'ac adm registry': { short: 'Maintain the image registry', children: ['gc'] },
  'ac adm registry gc': { short: old ? 'Show what garbage collection would reclaim from the registry storage' : 'Reclaim unreferenced blobs from the registry storage (a preview unless --confirm)', flags: GC_FLAGS, run: (values, _changed, e, out) => registryGc(values.confirm === true, e, out) },
};

const out = {
  line: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  fail: (text) => {
    process.stderr.write(`${text}\n`);
    return 1;
  },
  note: (text) => {
    if (env.AC_LAB_LOG) appendFileSync(env.AC_LAB_LOG, `${new Date().toISOString()} ac ${args.join(' ')} (${text})\n`);
  },
};

function version(values) {
  out.line(`Client Version: ${env.AC_LAB_VERSION || 'v4.3.0'}`);
  if (!values.client) out.line(`Server Version: ${env.AC_LAB_SERVER_VERSION || 'v1.31.4'}`);
  return 0;
}

function usage(path, command) {
  const name = path.split(' ').pop();
  const lines = ['Usage:', command.run ? `  ${path} [flags]` : `  ${path} [command]`, ''];
  if (command.children) {
    // cobra pads the names to the longest one, at least 11.
    const pad = Math.max(11, ...command.children.map((c) => c.length));
    lines.push('Available Commands:', ...command.children.map((c) => `  ${c.padEnd(pad)} ${COMMANDS[`${path} ${c}`].short}`), '');
  }
  lines.push(flagUsages(command.flags ?? {}, name).trimEnd());
  if (command.children) lines.push('', `Use "${path} [command] --help" for more information about a command.`);
  return lines.join('\n');
}

/** The first word that is not a flag (nor a global flag's value): the kubectl verb of `ac -n ns get ...`. */
function firstWord(words) {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('-')) return word;
    if (KUBECTL_VALUE_FLAGS.has(word)) i++;
  }
  return undefined;
}

/** `ac get ...` and the other kubectl verbs: the real kubectl on the lab's kubeconfig, its output and exit code as they are. */
function kubectl(words) {
  if (!env.AC_LAB_KUBECONFIG) {
    return out.fail('error: the lab\'s ac is not logged in to a cluster (AC_LAB_KUBECONFIG is not set; installAc takes a kubeconfig, see test/runbooks/ac-lab.ts)');
  }
  const result = spawnSync(env.AC_LAB_KUBECTL || 'kubectl', words, {
    stdio: 'inherit',
    env: { ...env, KUBECONFIG: env.AC_LAB_KUBECONFIG, ...(env.AC_LAB_KUBE_CACHE ? { KUBECACHEDIR: env.AC_LAB_KUBE_CACHE } : {}) },
  });
  if (result.error) return out.fail(`error: the lab's ac cannot run kubectl (${env.AC_LAB_KUBECTL || 'kubectl'}): ${result.error.message}`);
  return result.status ?? 1;
}

async function main() {
  const verb = firstWord(args);
  if (verb !== undefined && Object.hasOwn(KUBECTL_VERBS, verb)) return kubectl(args);
  // The command path: leading words that name subcommands (cobra also skips flags before them).
  let path = 'ac';
  const rest = [...args];
  for (let i = 0; i < rest.length; ) {
    const word = rest[i];
    if (word.startsWith('-')) {
      i++;
      continue;
    }
    const command = COMMANDS[path];
    if (!command.children) break;
    if (word === 'help' && path === 'ac') {
      rest.splice(i, 1, '--help');
      continue;
    }
    if (!command.children.includes(word)) {
      out.err(`Error: unknown command ${JSON.stringify(word)} for ${JSON.stringify(path)}\nRun '${path} --help' for usage.`);
      return 1;
    }
    path = `${path} ${word}`;
    rest.splice(i, 1);
  }
  const command = COMMANDS[path];
  let parsed;
  try {
    parsed = parseFlags(command.flags ?? {}, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.err(`Error: ${error.message}\n${usage(path, command)}\n`);
    return 1;
  }
  if (parsed.values.help || !command.run) {
    out.line(`${command.short}\n\n${usage(path, command)}`);
    return 0;
  }
  if (parsed.positional.length > 0) {
    out.err(`error: no arguments are allowed to this command\nSee '${path} -h' for help and examples`);
    return 1;
  }
  if (path.startsWith('ac adm') && !env.AC_LAB_REGISTRY_URL) {
    out.err('error: the lab\'s ac has no registry (AC_LAB_REGISTRY_URL is not set; run it through stand-ins/ac with its ac-lab.env)');
    return 1;
  }
  return command.run(parsed.values, parsed.changed, env, out);
}

process.exitCode = await main();

#!/usr/bin/env node
// SSH transport benchmark on the test lab's real sshd (three on 127.0.0.x), all measured in the same run:
//   1. 20 trivial steps × 3 hosts: `fieldbook run` against a plain ssh2 script that keeps one connection per host
//      (the floor) and `ansible-playbook` with pipelining and ControlPersist.
//      Targets: fieldbook ≤ 1.2 × the floor; Ansible ≥ 8 × fieldbook.
//   2. A 1 GiB output stream through one step: fieldbook's throughput against the floor's (target ≥ 70 %), and
//      the fieldbook process's peak RSS (target < 200 MB); with --ui plain, --ui json, and --ui plain with a
//      secret param defined (so the masker searches every byte, as in the registry runbooks).
// fieldbook runs as an operator runs it, `node bin/fieldbook.js run` of a generated runbook and site (not the
// engine called in-process), and for the steps also as the single file shipped to offline sites
// (`node dist/fieldbook.mjs run`, built by this script; it starts faster: one file, compiled from its code cache
// after the first start, which the unmeasured warm-up round makes). Either way the figures include
// everything a real run pays for (startup, loading and checking the files, the journal's fsyncs, the logs,
// masking, the UI). Every contender is a whole process, timed from spawn to exit. A second figure isolates the work: for fieldbook the journal's run-started → run-finished
// (steps) or the unit's own duration (stream); for the floor its time from the first connect to the last exit.
// Needs root (the lab creates its test users), openssh-server, sudo, /usr/bin/time and Debian's ansible
// (`apt-get install -y ansible`, or pass --skip-ansible).
// Usage: npm run build && node bench/ssh.mjs [--repeats 5] [--stream-repeats 5] [--stream-bytes 1073741824]
//                                            [--skip-ansible] [--cpu-prof <dir>]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileCreationNote } from './fs-probe.mjs';

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'fieldbook.js');
/** The single file shipped for offline sites (docs/install.md): what a field engineer runs on a customer site. */
const BUNDLE = join(REPO, 'dist', 'fieldbook.mjs');
const STEPS = 20;
const HOSTS = 3;
/** 100-byte lines: output that looks like a log or a file listing. */
const LINE = 'fieldbook-bench-stream-'.padEnd(99, '0123456789');

if (process.argv[2] === '--floor') {
  console.log(JSON.stringify(await floor(JSON.parse(process.argv[3]))));
  process.exit(0);
}

const options = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-ssh-'));
const labs = [];
let cleaning = false;
const cleanup = async () => {
  if (cleaning) return;
  cleaning = true;
  stopControlMasters(join(dir, 'cp'));
  await Promise.allSettled(labs.map((lab) => lab.stop()));
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  preflight();
  const { startSshd } = await loadHarness();
  for (let i = 0; i < HOSTS; i++) labs.push(await startSshd());
  writeFiles();
  const fsNote = fileCreationNote(join(dir, 'probe'));
  const loadBefore = loadavg();

  // One unmeasured round first: the page cache holds every program's files, and the single file has written its
  // code cache (as after a field engineer's first command on a machine: see docs/install.md).
  await floorRun('steps');
  await fieldbookRun('steps.yaml', 'warm-up', 'plain');
  await fieldbookRun('steps.yaml', 'warm-up-bundle', 'plain', BUNDLE);

  const steps = { fieldbook: [], fieldbookWork: [], bundle: [], bundleWork: [], floor: [], floorWork: [], ansible: [], startup: [] };
  for (let r = 0; r < options.repeats; r++) {
    // Interleaved, so a change in the machine's load hits every contender alike.
    const plain = await floorRun('steps');
    steps.floor.push(plain.ms);
    steps.floorWork.push(plain.workMs);
    const run = await fieldbookRun('steps.yaml', `steps-${r}`, 'plain');
    steps.fieldbook.push(run.ms);
    steps.fieldbookWork.push(run.workMs);
    const single = await fieldbookRun('steps.yaml', `steps-bundle-${r}`, 'plain', BUNDLE);
    steps.bundle.push(single.ms);
    steps.bundleWork.push(single.workMs);
    if (!options.skipAnsible) steps.ansible.push(await ansibleRun(r));
    steps.startup.push((await timed(process.execPath, [CLI, 'validate', 'steps.yaml', '--site', 'site.yaml'])).ms);
  }

  const stream = { floor: [], floorWork: [], floorRss: [], plain: [], plainWork: [], plainRss: [], json: [], jsonWork: [], jsonRss: [], secret: [], secretWork: [], secretRss: [] };
  for (let r = 0; r < options.streamRepeats; r++) {
    const plain = await floorRun('stream');
    stream.floor.push(plain.ms);
    stream.floorWork.push(plain.workMs);
    stream.floorRss.push(plain.rssKb);
    // `secret`: --ui plain with a secret param defined, so every byte goes through the masker's search.
    for (const [name, runbook, ui] of [['plain', 'stream.yaml', 'plain'], ['json', 'stream.yaml', 'json'], ['secret', 'stream-secret.yaml', 'plain']]) {
      const run = await fieldbookRun(runbook, `stream-${name}-${r}`, ui);
      stream[name].push(run.ms);
      stream[`${name}Work`].push(run.workMs);
      stream[`${name}Rss`].push(run.rssKb);
    }
  }
  report({ steps, stream, loadBefore, loadAfter: loadavg(), fsNote });
} catch (error) {
  console.error(`bench/ssh.mjs: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

function parseArgs(args) {
  const parsed = { repeats: 5, streamRepeats: 5, streamBytes: 1024 ** 3, skipAnsible: false, cpuProf: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--repeats') parsed.repeats = Number(value());
    else if (arg === '--stream-repeats') parsed.streamRepeats = Number(value());
    else if (arg === '--stream-bytes') parsed.streamBytes = Number(value());
    else if (arg === '--skip-ansible') parsed.skipAnsible = true;
    else if (arg === '--cpu-prof') parsed.cpuProf = resolve(value());
    else throw new Error(`unknown option ${arg}`);
  }
  return parsed;
}

function preflight() {
  if (process.getuid?.() !== 0) throw new Error('run as root: the SSH lab creates its test users and starts sshd');
  if (!existsSync(join(REPO, 'dist', 'cli', 'entry.js'))) throw new Error('dist/ is missing: npm run build first');
  // The single file is built from the sources now, so it is never older than them.
  execFileSync(process.execPath, [join(REPO, 'scripts', 'bundle.mjs')], { stdio: 'ignore' });
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing (peak RSS): apt-get install -y time');
  if (!options.skipAnsible && spawnSync('sh', ['-c', 'command -v ansible-playbook']).status !== 0) {
    throw new Error('ansible-playbook not found: apt-get install -y ansible (or pass --skip-ansible)');
  }
}

/** The lab is TypeScript: bundle test/harness/sshd.ts with esbuild (a devDependency) into the temp dir. */
async function loadHarness() {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'harness', 'sshd.mjs');
  await build({
    entryPoints: [join(REPO, 'test', 'harness', 'sshd.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        // tmp.ts registers cleanups with vitest; the bench cleans up itself.
        name: 'no-vitest',
        setup(b) {
          b.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export const onTestFinished = () => {};' }));
        },
      },
    ],
  });
  return import(outfile);
}

function writeFiles() {
  const user = labs[0].user;
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, labs.map((l) => `${l.knownHostsLine}\n`).join(''));
  // Each lab authorizes its own client key.
  const hosts = labs.map((l, i) => `  n${i + 1}: { address: ${l.host}, port: ${l.port}, identityFile: ${l.identityFile} }`);
  writeFileSync(
    join(dir, 'site.yaml'),
    `apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: bench-ssh }\nssh: { user: ${user}, knownHosts: ${knownHosts} }\n` +
      `hosts:\n${hosts.join('\n')}\nroles:\n  nodes: [${labs.map((_, i) => `n${i + 1}`).join(', ')}]\n  first: [n1]\n`,
  );
  const runbook = (name, roles, body) => `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: ${name}, title: ${name} }\nroles: { ${roles} }\nsteps:\n${body}`;
  const steps = Array.from({ length: STEPS }, (_, i) => `  - id: s${i + 1}\n    on: nodes\n    run: "true"\n`).join('');
  writeFileSync(join(dir, 'steps.yaml'), runbook('bench-steps', 'nodes: {}', steps));
  writeFileSync(join(dir, 'stream.yaml'), runbook('bench-stream', 'first: {}', `  - id: stream\n    on: first\n    run: ${streamCommand()}\n`));
  const secretParam = 'params: { registryPassword: { secret: true } }\n';
  writeFileSync(join(dir, 'stream-secret.yaml'), runbook('bench-stream', 'first: {}', `  - id: stream\n    on: first\n    run: ${streamCommand()}\n`).replace('roles:', `${secretParam}roles:`));

  // Ansible: the same hosts, keys and known_hosts; pipelining and ControlPersist; HOME inside the temp dir.
  mkdirSync(join(dir, 'cp'), { recursive: true });
  mkdirSync(join(dir, 'ansible-home'), { recursive: true });
  const inventory = labs.map((l, i) => `n${i + 1} ansible_host=${l.host} ansible_port=${l.port} ansible_ssh_private_key_file=${l.identityFile}`);
  writeFileSync(join(dir, 'inventory.ini'), `[nodes]\n${inventory.join('\n')}\n\n[nodes:vars]\nansible_user=${user}\nansible_python_interpreter=/usr/bin/python3\n`);
  writeFileSync(
    join(dir, 'ansible.cfg'),
    [
      '[defaults]',
      `inventory = ${join(dir, 'inventory.ini')}`,
      'host_key_checking = True',
      'forks = 10',
      'gathering = explicit',
      'retry_files_enabled = False',
      '',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
      `control_path_dir = ${join(dir, 'cp')}`,
      'control_path = %(directory)s/%%C',
      '',
    ].join('\n'),
  );
  const tasks = Array.from({ length: STEPS }, (_, i) => `    - name: s${i + 1}\n      ansible.builtin.command: "true"\n`).join('');
  writeFileSync(join(dir, 'playbook.yaml'), `- hosts: nodes\n  gather_facts: false\n  tasks:\n${tasks}`);
}

function streamCommand() {
  return `yes ${LINE} | head -c ${options.streamBytes}`;
}

/** `fieldbook run` under /usr/bin/time (peak RSS); the UI's output goes to /dev/null. */
async function fieldbookRun(runbook, runId, ui, program = CLI) {
  const env = { PATH: process.env.PATH, HOME: dir, FIELDBOOK_HOME: join(dir, 'fb-home'), LANG: 'C.UTF-8', FIELDBOOK_SECRET_REGISTRYPASSWORD: 'Harbor12345!' };
  const prof = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProf] : [];
  const args = [...prof, program, 'run', runbook, '--site', 'site.yaml', '--ui', ui, '--run-id', runId];
  const { ms, rssKb } = await timed(process.execPath, args, { env, rss: true });
  const runDir = join(dir, 'fb-home', 'runs', runId);
  const events = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const last = events.at(-1);
  if (last?.type !== 'run-finished' || last.status !== 'succeeded') throw new Error(`fieldbook run ${runId} did not succeed; see ${runDir}/journal.jsonl`);
  let workMs = Date.parse(last.at) - Date.parse(events.find((e) => e.type === 'run-started').at);
  const streaming = runbook.startsWith('stream');
  if (streaming) {
    workMs = events.find((e) => e.type === 'unit-finished').durationMs;
    // The log is the output plus a few comment lines (too large to read into one string).
    const size = statSync(join(runDir, 'logs', 'stream', 'n1.log')).size;
    if (size < options.streamBytes || size > options.streamBytes + 4096) throw new Error(`fieldbook's log holds ${size} bytes, expected ${options.streamBytes} of output`);
  }
  // Deleting the small run directories now would slow the next runs' file creation (see fs-probe.mjs): they go
  // with the temp dir at the end. A stream's 1 GiB log goes at once (one inode, and the disk space).
  if (streaming) rmSync(runDir, { recursive: true, force: true });
  return { ms, workMs, rssKb };
}

/** The floor, as its own process: node bench/ssh.mjs --floor <spec>. */
async function floorRun(kind) {
  const spec = {
    kind,
    steps: STEPS,
    command: kind === 'steps' ? 'true' : streamCommand(),
    expectBytes: kind === 'stream' ? options.streamBytes : 0,
    hosts: (kind === 'steps' ? labs : labs.slice(0, 1)).map((l) => ({ host: l.host, port: l.port, user: l.user, key: l.identityFile, fingerprint: l.hostKeyFingerprint })),
  };
  const { ms, rssKb, stdout } = await timed(process.execPath, [import.meta.filename, '--floor', JSON.stringify(spec)], { rss: true, stdout: true });
  return { ms, rssKb, workMs: JSON.parse(stdout).workMs };
}

/** ansible-playbook from a cold start (no control master left over from the previous repeat). */
async function ansibleRun(repeat) {
  stopControlMasters(join(dir, 'cp'));
  const env = { PATH: process.env.PATH, HOME: join(dir, 'ansible-home'), LANG: 'C.UTF-8', ANSIBLE_CONFIG: join(dir, 'ansible.cfg') };
  const { ms, stdout, code } = await timed('ansible-playbook', [join(dir, 'playbook.yaml')], { env, stdout: true, anyExit: true });
  const ok = labs.every((_, i) => new RegExp(`n${i + 1}\\s+: ok=${STEPS}\\s+changed=${STEPS}\\s+unreachable=0\\s+failed=0`).test(stdout));
  if (code !== 0 || !ok) {
    const why = stdout.split('\n').filter((l) => /UNREACHABLE|FAILED|fatal/.test(l)).slice(0, 6).join('\n');
    throw new Error(`ansible-playbook (repeat ${repeat + 1}) did not run all ${STEPS} tasks on every host:\n${why}\n${stdout.slice(-600)}`);
  }
  return ms;
}

/** Wall time (and, under /usr/bin/time, peak RSS) of a child process; rejects unless it exits 0. */
function timed(file, args, { env = { ...process.env }, rss = false, stdout: keep = false, anyExit = false } = {}) {
  const timeFile = join(dir, 'time.txt');
  const argv = rss ? ['-f', '%M', '-o', timeFile, file, ...args] : args;
  return new Promise((done, fail) => {
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    const child = spawn(rss ? '/usr/bin/time' : file, argv, { cwd: dir, env, stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'] });
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0 && !anyExit) return fail(new Error(`${[file, ...args].slice(0, 8).join(' ')} ... exited ${code}:\n${stderr}`));
      const rssKb = rss ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) : undefined;
      done({ ms, rssKb, stdout, code });
    });
  });
}

function stopControlMasters(cpDir) {
  if (!existsSync(cpDir)) return;
  for (const name of readdirSync(cpDir)) {
    spawnSync('ssh', ['-o', `ControlPath=${join(cpDir, name)}`, '-O', 'exit', 'bench'], { stdio: 'ignore' });
    rmSync(join(cpDir, name), { force: true });
  }
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function report({ steps, stream, loadBefore, loadAfter, fsNote }) {
  const m = Object.fromEntries([...Object.entries(steps), ...Object.entries(stream).map(([k, v]) => [`s_${k}`, v])].map(([k, v]) => [k, v.length ? median(v) : undefined]));
  const mib = options.streamBytes / 1024 ** 2;
  const rate = (ms) => mib / (ms / 1000);
  const peak = (kbs) => Math.max(...kbs) / 1024;
  const ms = (x) => (x === undefined ? 'skipped' : `${x.toFixed(0)} ms`);
  const rateCell = (whole, work) => `${rate(whole).toFixed(0)} (${rate(work).toFixed(0)}) MiB/s`;
  const widths = [46, 22, 22, 12];
  const row = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  const size = mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  const sshVersion = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim().split(',')[0];

  const stepsRatio = m.fieldbook / m.floor;
  const workRatio = m.fieldbookWork / m.floorWork;
  const bundleRatio = m.bundle / m.floor;
  const bundleWorkRatio = m.bundleWork / m.floorWork;
  const ansibleRatio = m.ansible === undefined ? undefined : m.ansible / m.fieldbook;
  const plainShare = rate(m.s_plain) / rate(m.s_floor);
  const jsonShare = rate(m.s_json) / rate(m.s_floor);
  const secretShare = rate(m.s_secret) / rate(m.s_floor);
  const plainWorkShare = rate(m.s_plainWork) / rate(m.s_floorWork);
  const jsonWorkShare = rate(m.s_jsonWork) / rate(m.s_floorWork);
  const rssPlain = peak(stream.plainRss);
  const rssJson = peak(stream.jsonRss);
  console.log(
    [
      `SSH benchmark: ${HOSTS} sshd on ${labs.map((l) => `${l.host}:${l.port}`).join(', ')} (${sshVersion}), node ${process.version}, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores`,
      `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}; ${fsNote}`,
      `whole processes (spawn to exit); in brackets the work alone (see the header of bench/ssh.mjs); medians of ${options.repeats} (steps) and ${options.streamRepeats} (stream)`,
      '',
      row(['', 'fieldbook', 'ssh2 floor', 'ansible']),
      row(['---', '---', '---', '---']),
      row([`${STEPS} trivial steps × ${HOSTS} hosts, bin/fieldbook.js`, `${ms(m.fieldbook)} (${ms(m.fieldbookWork)})`, `${ms(m.floor)} (${ms(m.floorWork)})`, ms(m.ansible)]),
      row(['  the same, the single file dist/fieldbook.mjs', `${ms(m.bundle)} (${ms(m.bundleWork)})`, '', '']),
      row(['  fieldbook startup: validate of the same files', ms(m.startup), '', '']),
      row([`${size} output stream, one step, --ui plain`, rateCell(m.s_plain, m.s_plainWork), rateCell(m.s_floor, m.s_floorWork), '']),
      row([`${size} output stream, one step, --ui json`, rateCell(m.s_json, m.s_jsonWork), '', '']),
      row(['  the same, --ui plain, a secret defined', rateCell(m.s_secret, m.s_secretWork), '', '']),
      row(['  peak RSS during the stream (plain / json)', `${rssPlain.toFixed(0)} / ${rssJson.toFixed(0)} MB`, `${peak(stream.floorRss).toFixed(0)} MB`, '']),
      '',
      `steps, bin/fieldbook.js / floor: ${stepsRatio.toFixed(2)}× whole, ${workRatio.toFixed(2)}× work   (target ≤ 1.20)  ${verdict(stepsRatio <= 1.2)} whole, ${verdict(workRatio <= 1.2)} work`,
      `steps, single file / floor:      ${bundleRatio.toFixed(2)}× whole, ${bundleWorkRatio.toFixed(2)}× work   (target ≤ 1.20)  ${verdict(bundleRatio <= 1.2)} whole, ${verdict(bundleWorkRatio <= 1.2)} work`,
      ansibleRatio === undefined ? 'steps, ansible / fieldbook:      skipped' : `steps, ansible / fieldbook:      ${ansibleRatio.toFixed(1)}×                    (target ≥ 8)     ${verdict(ansibleRatio >= 8)}`,
      `stream, fieldbook / floor:       plain ${pct(plainShare)} whole, ${pct(plainWorkShare)} work; json ${pct(jsonShare)} whole, ${pct(jsonWorkShare)} work   (target ≥ 70 %)  ${verdict(plainShare >= 0.7)} plain, ${verdict(jsonShare >= 0.7)} json`,
      `stream with a secret defined:    plain ${pct(secretShare)} whole, ${pct(rate(m.s_secretWork) / rate(m.s_floorWork))} work (every byte searched by the masker)`,
      `stream, fieldbook peak RSS:      ${rssPlain.toFixed(0)} MB plain, ${rssJson.toFixed(0)} MB json   (target < 200 MB)  ${verdict(rssPlain < 200)} plain, ${verdict(rssJson < 200)} json`,
      '',
      `raw ms: ${Object.entries({ ...steps, ...Object.fromEntries(Object.entries(stream).map(([k, v]) => [`stream.${k}`, v])) }).map(([k, v]) => `${k} ${v.map((x) => x.toFixed(0)).join(' ')}`).join(' | ')}`,
    ].join('\n'),
  );
}

function pct(share) {
  return `${(share * 100).toFixed(0)} %`;
}

/**
 * The floor: plain ssh2, one connection per host opened up front and reused, one exec channel per step with the
 * script on stdin to `bash -se` (the same remote work fieldbook asks for), TCP_NODELAY, no journal, no logs, no
 * masking. Reports the time from the first connect to the last exit.
 */
async function floor(spec) {
  const { default: ssh2 } = await import('ssh2');
  const fingerprint = (key) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  const connect = (h) =>
    new Promise((done, fail) => {
      const client = new ssh2.Client();
      client.once('ready', () => done(client));
      client.once('error', fail);
      client.connect({ host: h.host, port: h.port, username: h.user, privateKey: readFileSync(h.key), hostVerifier: (key) => fingerprint(key) === h.fingerprint });
      // Without it each exec waits ~40 ms for a delayed ACK (Nagle); a floor must be the best case.
      client.setNoDelay(true);
    });
  const exec = (client, script, onData) =>
    new Promise((done, fail) => {
      client.exec('bash -se', (error, channel) => {
        if (error) return fail(error);
        let code;
        channel.on('data', onData);
        channel.stderr.on('data', () => undefined);
        channel.on('exit', (c) => (code = c));
        channel.on('close', () => (code === 0 ? done() : fail(new Error(`exit ${code}`))));
        channel.end(`${script}\n`);
      });
    });
  const started = performance.now();
  const clients = await Promise.all(spec.hosts.map(connect));
  if (spec.kind === 'steps') {
    for (let i = 0; i < spec.steps; i++) await Promise.all(clients.map((c) => exec(c, spec.command, () => undefined)));
  } else {
    let bytes = 0;
    await exec(clients[0], spec.command, (chunk) => (bytes += chunk.length));
    if (bytes !== spec.expectBytes) throw new Error(`floor received ${bytes} bytes, expected ${spec.expectBytes}`);
  }
  const workMs = performance.now() - started;
  clients.forEach((c) => c.end());
  return { workMs };
}

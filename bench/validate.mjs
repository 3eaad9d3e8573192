#!/usr/bin/env node

// Whole-process cost of `fieldbook validate`: every shipped runbook (alone and with each example site that fits
// it) and a generated 2,000-step runbook, against baselines measured in the same run.
//
//   npm run build && node bench/validate.mjs [--runs N] [--steps N] [--profile]
//
// Each case is run N times (round-robin across cases, so drift in machine load spreads evenly); the table shows
// the median and the minimum wall time of the whole process, and the median as a multiple of two baselines:
// `node -e 0` (bare Node start-up) and parsing the same file with the `yaml` package alone in a fresh process.
// A third baseline, importing the CLI without running it, shows how much of a small case is module loading.
// --profile writes a V8 CPU profile of one run of the generated case and prints where its time goes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'fieldbook.js');
const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, steps: { type: 'string', default: '2000' }, profile: { type: 'boolean', default: false } },
});
const RUNS = Number(flags.runs);
const STEPS = Number(flags.steps);
const TARGET_SHIPPED_MS = 300;
const TARGET_GENERATED_MS = 1500;

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
if (!process.env.BENCH_KEEP) process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// ---- the generated runbook ---------------------------------------------------------------------------------

/** A realistic large runbook: scripts, captures, and references to params and to earlier steps' outputs. */
function generateRunbook(count) {
  const lines = [
    '# yaml-language-server: $schema=../docs/schema/runbook.schema.json',
    'apiVersion: fieldbook/v1',
    'kind: Runbook',
    'metadata:',
    `  name: generated-${count}-steps`,
    `  title: Generated runbook with ${count} steps`,
    '  description: |',
    '    Synthetic load for the validate benchmark: every kind of step, captures of every form, and references',
    '    to params, hosts and the outputs of earlier steps.',
    'params:',
    "  registry: { description: Registry host:port, required: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$' }",
    '  registryUser: { required: true }',
    '  registryPassword: { secret: true, required: true }',
    '  backupDir: { default: /cpaas/backup }',
    '  minioDir: { default: /cpaas/minio }',
    '  keepTags: { type: integer, default: 5 }',
    '  dryRun: { type: boolean, default: false }',
    '  mode: { values: [full, necessary], default: full }',
    '  namespace: { default: cpaas-system }',
    '  images: { type: list, default: [core, plugins] }',
    'roles:',
    '  controlPlane: { description: control-plane nodes, min: 1 }',
    '  workers: { description: worker nodes, min: 1 }',
    '  installer: { description: the installer node, count: 1 }',
    'steps:',
  ];
  const captured = []; // [stepId, outputName, isList]
  const pick = (i, k) => captured[(i * 7 + k * 13) % captured.length];
  for (let i = 0; i < count; i++) {
    const id = `step-${String(i).padStart(4, '0')}`;
    const earlier = captured.length > 0 ? pick(i, 1) : undefined;
    const ref = earlier ? `\${{ steps.${earlier[0]}.outputs.${earlier[1]} }}` : '${{ params.registry }}';
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const role = ['controlPlane', 'workers', 'installer'][i % 3];
        lines.push(
          `  - id: ${id}`,
          `    title: Check ${role} node state ${i}`,
          `    on: ${role}`,
          i % 4 === 0 ? '    strategy: serial' : '    maxParallel: 4',
          '    timeout: 10m',
          '    retries: { count: 2, delay: 10s }',
          '    run: |',
          '      set -euo pipefail',
          `      test -d \${{ params.minioDir }} || { echo "no data on \${{ host.name }}" >&2; exit 1; }`,
          `      mkdir -p \${{ params.backupDir }}/\${{ host.name }}`,
          `      echo "previous=${ref}"`,
          `      size=$(du -sb \${{ params.minioDir }} | cut -f1)`,
          '      free=$(df -B1 --output=avail / | tail -n 1 | tr -d " ")',
          '      echo "size=$size free=$free"',
          '    capture:',
          `      size${i}: { regex: 'size=(\\d+)' }`,
          `      free${i}: { regex: 'free=(\\d+)', group: 1 }`,
        );
        captured.push([id, `size${i}`, false], [id, `free${i}`, false]);
        break;
      }
      case 4:
        lines.push(
          `  - id: ${id}`,
          `    title: Record objects ${i}`,
          '    readonly: true',
          `    kubectl: { args: [get, pods, -n, '\${{ params.namespace }}', -l, 'app=svc-${i}', -o, json] }`,
          '    capture:',
          `      pods${i}: { json: true, path: items }`,
        );
        captured.push([id, `pods${i}`, true]);
        break;
      case 5:
        lines.push(
          `  - id: ${id}`,
          `    title: List packages ${i}`,
          '    on: installer',
          '    idempotent: true',
          '    run: |',
          `      cd \${{ params.backupDir }}`,
          `      ls -1 | grep -v '^tmp' | head -n \${{ params.keepTags }}`,
          '    capture:',
          `      files${i}: { lines: true }`,
        );
        captured.push([id, `files${i}`, true]);
        break;
      case 6: {
        const list = [...captured].reverse().find(([, , isList]) => isList);
        lines.push(
          `  - id: ${id}`,
          `    title: Push each package ${i}`,
          '    on: installer',
          `    foreach: \${{ steps.${list[0]}.outputs.${list[1]} }}`,
          `    when: \${{ params.mode == 'full' && !params.dryRun }}`,
          '    run: |',
          `      nerdctl push \${{ params.registry }}/\${{ item }} --user \${{ params.registryUser }} --password \${{ params.registryPassword }}`,
          `      echo "pushed \${{ item }} after ${ref}"`,
        );
        break;
      }
      case 7:
        lines.push(
          `  - id: ${id}`,
          `    title: Wipe bucket ${i}`,
          '    destructive: true',
          `    confirm: { message: "Deletes data ${i} on \${{ site.name }}" }`,
          '    kubectl:',
          `      exec: { namespace: '\${{ params.namespace }}', selector: app=minio, container: minio }`,
          '      run: |',
          '        source /etc/config/minio.env',
          `        mc --insecure rm --recursive --force minio/bucket-${i}/`,
        );
        break;
      case 8:
        lines.push(
          `  - id: ${id}`,
          `    title: Operator check ${i}`,
          '    manual:',
          `      instructions: Confirm that ${ref} looks right for \${{ site.name }}.`,
          '      checklist: [Looked at the dashboard, Told the customer]',
          `      record: [{ name: ticket${i}, prompt: Ticket number }]`,
        );
        captured.push([id, `ticket${i}`, false]);
        break;
      default:
        lines.push(
          `  - id: ${id}`,
          `    title: Summarise ${i}`,
          `    when: \${{ steps.${pick(i, 2)[0]}.status == 'succeeded' }}`,
          '    run: |',
          `      echo "run \${{ run.id }}: ${ref}"`,
          `      printf '%s\\n' "${earlier ? `\${{ steps.${pick(i, 3)[0]}.outputs.${pick(i, 3)[1]} }}` : 'none'}" >> /tmp/summary`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

const GENERATED_SITE = `# yaml-language-server: $schema=../docs/schema/site.schema.json
apiVersion: fieldbook/v1
kind: Site
metadata: { name: bench-site }
ssh: { user: root, port: 22 }
hosts:
  cp1: { address: 127.0.3.10 }
  cp2: { address: 127.0.3.11 }
  cp3: { address: 127.0.3.12 }
  w1: { address: 127.0.4.1 }
  w2: { address: 127.0.4.2 }
roles:
  controlPlane: [cp1, cp2, cp3]
  workers: [w1, w2]
  installer: [cp1]
kube: { via: cp1, context: global, namespace: cpaas-system }
params: { registry: 127.0.3.10:11440, registryUser: admin }
`;

// ---- cases -------------------------------------------------------------------------------------------------

const show = (path) => (path.startsWith(REPO) ? relative(REPO, path) : path.replace(work, '$TMP'));
const yamlFiles = (dir) => (existsSync(join(REPO, dir)) ? readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(REPO, dir, f)) : []);
const load = (file) => parse(readFileSync(file, 'utf8')) ?? {};
const sites = yamlFiles('examples').filter((f) => load(f).kind === 'Site');
const fits = (runbook, site) => Object.entries(load(runbook).roles ?? {}).every(([role, spec]) => spec?.min === 0 || (load(site).roles?.[role]?.length ?? 0) > 0);

const generatedRunbook = join(work, `generated-${STEPS}.runbook.yaml`);
const generatedSite = join(work, 'bench.site.yaml');
writeFileSync(generatedRunbook, generateRunbook(STEPS));
writeFileSync(generatedSite, GENERATED_SITE);

const yamlOnly = (file) => ['-e', `require('yaml').parseDocument(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];
const cases = [
  { name: 'baseline: node -e 0', argv: ['-e', '0'], group: 'baseline' },
  // What every command pays before reading a file: loading the CLI's module graph.
  { name: 'baseline: import dist/cli/main.js', argv: ['--input-type=module', '-e', `await import(${JSON.stringify(join(REPO, 'dist', 'cli', 'main.js'))})`], group: 'baseline' },
];
const validateCase = (runbook, site, group) => ({
  name: `validate ${show(runbook)}${site ? ` --site ${show(site)}` : ''}`,
  argv: [BIN, 'validate', runbook, ...(site ? ['--site', site] : [])],
  yamlBaseline: `baseline: yaml parse ${show(runbook)}`,
  group,
  lines: readFileSync(runbook, 'utf8').split('\n').length,
});
for (const runbook of yamlFiles('runbooks')) {
  cases.push({ name: `baseline: yaml parse ${show(runbook)}`, argv: yamlOnly(runbook), group: 'baseline' });
  cases.push(validateCase(runbook, undefined, 'shipped'));
  for (const site of sites.filter((s) => fits(runbook, s))) cases.push(validateCase(runbook, site, 'shipped'));
}
cases.push({ name: `baseline: yaml parse ${show(generatedRunbook)}`, argv: yamlOnly(generatedRunbook), group: 'baseline' });
cases.push(validateCase(generatedRunbook, undefined, 'generated'));
cases.push(validateCase(generatedRunbook, generatedSite, 'generated'));

// ---- measure -----------------------------------------------------------------------------------------------

function once(argv) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { cwd: REPO, encoding: 'utf8', env: { ...process.env, FIELDBOOK_DEBUG: '' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, result };
}

// Every validate case must pass before it is worth timing.
for (const c of cases) {
  const { result } = once(c.argv);
  if (result.status !== 0) {
    console.error(`bench: ${c.name} exited ${result.status}:\n${result.stderr}`);
    process.exit(1);
  }
}

const times = new Map(cases.map((c) => [c.name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const c of cases) {
    const { ms, result } = once(c.argv);
    // A failing run (say dist/ rebuilt mid-bench) would look fast; refuse to report it.
    if (result.status !== 0) {
      console.error(`bench: ${c.name} exited ${result.status} on run ${run + 1}:\n${result.stderr}`);
      process.exit(1);
    }
    times.get(c.name).push(ms);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = new Map([...times].map(([name, xs]) => [name, { median: median(xs), min: Math.min(...xs) }]));
const nodeBaseline = stats.get('baseline: node -e 0').median;

const rows = cases.map((c) => {
  const s = stats.get(c.name);
  const target = c.group === 'shipped' ? TARGET_SHIPPED_MS : c.group === 'generated' ? TARGET_GENERATED_MS : undefined;
  const yamlMs = c.yamlBaseline ? stats.get(c.yamlBaseline).median : undefined;
  return {
    case: c.name,
    lines: c.lines ?? '',
    median: s.median.toFixed(0),
    min: s.min.toFixed(0),
    'x node': (s.median / nodeBaseline).toFixed(1),
    'x yaml': yamlMs ? (s.median / yamlMs).toFixed(1) : '',
    target: target ? `< ${target} ${s.median < target ? 'ok' : 'MISSED'}` : '',
  };
});

const columns = Object.keys(rows[0]);
const width = Object.fromEntries(columns.map((k) => [k, Math.max(k.length, ...rows.map((r) => String(r[k]).length))]));
const line = (r) => columns.map((k, i) => (i === 0 ? String(r[k]).padEnd(width[k]) : String(r[k]).padStart(width[k]))).join('  ');
console.log(`fieldbook validate, whole process: ${RUNS} runs per case, Node ${process.version}, ${STEPS}-step generated runbook (times in ms)`);
console.log(line(Object.fromEntries(columns.map((k) => [k, k]))));
console.log(columns.map((k) => '-'.repeat(width[k])).join('  '));
for (const r of rows) console.log(line(r));
const missed = rows.filter((r) => r.target.includes('MISSED'));
console.log(missed.length ? `\n${missed.length} case(s) missed the target.` : '\nEvery case met its target.');

// ---- profile -----------------------------------------------------------------------------------------------

if (flags.profile) {
  const dir = join(work, 'profile');
  const { result } = once(['--cpu-prof', '--cpu-prof-dir', dir, BIN, 'validate', generatedRunbook, '--site', generatedSite]);
  if (result.status !== 0) {
    console.error(`bench: profiled run exited ${result.status}:\n${result.stderr}`);
    process.exit(1);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  summariseProfile(profile);
}

/** Self time per area (our dist/ folders, each package, Node internals) and the hottest functions. */
function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const area = (url) => {
    if (!url) return '(native / gc / idle)';
    if (url.startsWith('node:')) return 'node internals';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1];
    const dist = /\/dist\/([^/]+)\//.exec(url);
    return dist ? `fieldbook ${dist[1]}/` : url.replace(/^file:\/\//, '');
  };
  const areas = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id);
    total += ms;
    const a = area(callFrame.url);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const fn = `${callFrame.functionName || '(anonymous)'}  ${a}${callFrame.url && !callFrame.url.startsWith('node:') ? ` ${callFrame.url.split('/').pop()}:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\nCPU profile of one run of the generated case (${total.toFixed(0)} ms sampled), self time by area:`);
  for (const [name, ms] of top(areas, 12)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  console.log('hottest functions (self time):');
  for (const [name, ms] of top(functions, 15)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
}

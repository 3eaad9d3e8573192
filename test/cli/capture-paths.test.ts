import { describe, expect, it } from 'vitest';
import { runCli, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

const SITE = `apiVersion: fieldbook/v1
kind: Site
metadata: { name: lab }
`;

// Keys inside a JSON capture and indexes into a list capture, in a script, a title, `when` and `foreach`.
const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: capture-paths, title: paths into captures }
steps:
  - id: info
    run: |
      echo '{"name": "minio", "pods": ["minio-0", "minio-1"], "spec": {"replicas": 2}}'
    capture: { info: { json: true } }
  - id: list
    run: printf 'first\\nsecond\\n'
    capture: { files: { lines: true } }
  - id: use
    title: 'use \${{ steps.info.outputs.info.name }}'
    when: \${{ steps.info.outputs.info.spec.replicas == 2 }}
    foreach: \${{ steps.info.outputs.info.pods }}
    run: |
      echo "pod=\${{ item }} name=\${{ steps.info.outputs.info.name }} second=\${{ steps.list.outputs.files.1 }} last=\${{ steps.info.outputs.info.pods.1 }}"
`;

/** `steps.<id>.outputs.<name>.<key>` and `.<index>` (issue #16, item 7), through the real CLI. */
describe('paths into captured values', () => {
  it('validates, plans with placeholders and runs with the values', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE);
    writeFixture(dir, 'paths.yaml', RUNBOOK);

    const validated = await runCli(['validate', 'paths.yaml', '--site', 'site.yaml'], { cwd: dir });
    expect(validated.stdout).toContain('ok: paths.yaml');
    expect(validated.code).toBe(0);

    const planned = await runCli(['plan', 'paths.yaml', '--site', 'site.yaml'], { cwd: dir });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('use — use ⟨steps.info.outputs.info.name⟩');
    expect(planned.stdout).toContain(`"pod="'⟨item⟩'" name="'⟨steps.info.outputs.info.name⟩'" second="'⟨steps.list.outputs.files.1⟩'" last="'⟨steps.info.outputs.info.pods.1⟩'""`);

    const ran = await runCli(['run', 'paths.yaml', '--site', 'site.yaml', '--ui', 'plain'], { cwd: dir });
    expect(ran.stdout).toContain('use[0: minio-0] | pod=minio-0 name=minio second=second last=minio-1');
    expect(ran.stdout).toContain('use[1: minio-1] | pod=minio-1 name=minio second=second last=minio-1');
    expect(ran.code).toBe(0);
  });

  it('fails the step that uses a key the capture does not have, naming the step and the path', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE);
    writeFixture(dir, 'missing.yaml', `${RUNBOOK}  - id: version
    run: echo "\${{ steps.info.outputs.info.version }}"
`);
    const ran = await runCli(['run', 'missing.yaml', '--site', 'site.yaml', '--ui', 'plain'], { cwd: dir });
    expect(ran.stdout).toContain('✘ version failed: unknown reference "steps.info.outputs.info.version": steps.info.outputs.info has no "version"');
    expect(ran.code).toBe(1);
  });

  it('validate refuses a key into text and a name into a list of lines, where it is written', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'bad.yaml', `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: bad-paths, title: impossible paths }
steps:
  - id: a
    run: echo size=3
    capture:
      size: { regex: 'size=(\\d+)' }
      files: { lines: true }
  - id: b
    run: echo \${{ steps.a.outputs.size.bytes }} \${{ steps.a.outputs.files.first }}
`);
    const validated = await runCli(['validate', 'bad.yaml'], { cwd: dir });
    expect(validated.stderr.trim().split('\n')).toEqual([
      'bad.yaml:11:15: steps[1].run: steps.a.outputs.size is text, which has no "bytes"',
      'bad.yaml:11:49: steps[1].run: steps.a.outputs.files is a list of text: "first" is not an index (steps.a.outputs.files.0 is the first)',
    ]);
    expect(validated.code).toBe(2);
  });
});

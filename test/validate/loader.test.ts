import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatIssues } from '../../src/cli/exit-codes.js';
import { formatIssue, ValidationError, type Issue } from '../../src/errors.js';
import { loadRunbook, parseText } from '../../src/schema/load.js';
import { decodeSource, MAX_FILE_BYTES } from '../../src/schema/source.js';
import { checkRunbook } from '../../src/validate/runbook-refs.js';
import { checkPair, checkSite } from '../../src/validate/site-refs.js';
import { tempDirForTest } from '../harness/tmp.js';

const HEAD = 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: t, title: T }\n';
const SITE_HEAD = 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: s }\n';

/** The lines `validate` would print for a runbook text (and a site), or [] when both are valid. */
function problems(text: string, siteText?: string): string[] {
  const issues: Issue[] = [];
  try {
    const runbook = parseText('r.yaml', text, 'Runbook');
    const site = siteText === undefined ? undefined : parseText('s.yaml', siteText, 'Site');
    issues.push(...checkRunbook(runbook.value, runbook.source, site?.value));
    if (site) issues.push(...checkSite(site.value, site.source), ...checkPair(runbook.value, site.value, site.source));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
  // The CLI's own ordering (most important first) and cap.
  return issues.length ? formatIssues(issues).split('\n') : [];
}

function decodeProblem(bytes: number[]): string {
  try {
    decodeSource('f.yaml', Uint8Array.from(bytes));
  } catch (error) {
    return (error as ValidationError).issues.map(formatIssue).join('\n');
  }
  return 'decoded';
}
const ascii = (text: string) => [...Buffer.from(text, 'utf8')];

describe('decodeSource', () => {
  test('accepts UTF-8 with or without a BOM, and drops the BOM', () => {
    expect(decodeSource('f.yaml', Uint8Array.from([0xef, 0xbb, 0xbf, ...ascii('a: é\n')]))).toBe('a: é\n');
    expect(decodeSource('f.yaml', Uint8Array.from(ascii('a: 日本\r\n')))).toBe('a: 日本\r\n');
  });

  test('points at the first byte of a bad sequence, counting columns in characters', () => {
    // "ü" is two bytes; the Latin-1 "é" after it is in column 5 (characters), not 6 (bytes).
    expect(decodeProblem([...ascii('x: 1\nt: ü'), 0xe9, ...ascii('t\n')])).toBe('f.yaml:2:5: not UTF-8 text (byte 0xe9 at offset 10, "é" in Latin-1); save the file as UTF-8');
  });

  test('names overlong forms, surrogates, stray continuation bytes and a truncated end', () => {
    expect(decodeProblem([...ascii('a: '), 0xc0, 0xaf])).toMatch(/^f\.yaml:1:4: not UTF-8 text \(byte 0xc0 at offset 3, "À" in Latin-1\)/);
    expect(decodeProblem([...ascii('a: '), 0xed, 0xa0, 0x80])).toMatch(/^f\.yaml:1:4: not UTF-8 text \(byte 0xed at offset 3/);
    expect(decodeProblem([...ascii('a: '), 0x80])).toMatch(/^f\.yaml:1:4: not UTF-8 text \(byte 0x80 at offset 3\)/);
    expect(decodeProblem([...ascii('a: '), 0xe2, 0x82])).toMatch(/^f\.yaml:1:4: not UTF-8 text \(byte 0xe2 at offset 3/);
    // Windows-1252 curly quote: no Latin-1 character to suggest.
    expect(decodeProblem([...ascii('a: '), 0x93, ...ascii('x')])).toBe('f.yaml:1:4: not UTF-8 text (byte 0x93 at offset 3); save the file as UTF-8');
  });

  test('refuses binary files at their first NUL byte', () => {
    expect(decodeProblem([...ascii('ab\ncd'), 0, 1])).toBe('f.yaml:2:3: binary file (NUL byte at offset 5); expected YAML text');
  });
});

describe('readSourceText limits', () => {
  test('a file just over the limit is refused, one at the limit is read', async () => {
    const dir = tempDirForTest();
    const body = `${HEAD}steps:\n  - id: a\n    run: echo\n#`;
    writeFileSync(join(dir, 'at.yaml'), body + 'x'.repeat(MAX_FILE_BYTES - body.length));
    writeFileSync(join(dir, 'over.yaml'), body + 'x'.repeat(MAX_FILE_BYTES - body.length + 1));
    await expect(loadRunbook(join(dir, 'at.yaml'))).resolves.toMatchObject({ value: { metadata: { name: 't' } } });
    await expect(loadRunbook(join(dir, 'over.yaml'))).rejects.toThrow(/over\.yaml: file is 1\.0 MiB; a runbook or site file is at most 1 MiB/);
  });

  test('a missing file and a directory are named as such', async () => {
    const dir = tempDirForTest();
    mkdirSync(join(dir, 'folder.yaml'));
    await expect(loadRunbook(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: no such file$/);
    await expect(loadRunbook(join(dir, 'folder.yaml'))).rejects.toThrow(/folder\.yaml: is a directory; expected a YAML file$/);
  });
});

describe('YAML problems', () => {
  test('a duplicate key is named, also when quoted, with the line of the first one', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    "run": echo\n    run: echo 2\n`)).toEqual(['r.yaml:7:5: duplicate key "run" (first at line 6); each key may appear once in a mapping']);
  });

  test('anchors and aliases work when the anchor comes first', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n    retries: &r { count: 2, delay: 5s }\n  - id: b\n    run: echo\n    retries: *r\n`)).toEqual([]);
  });

  test('an alias used before its anchor is reported where it is used', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n    retries: *r\n  - id: b\n    run: echo\n    retries: &r { count: 2 }\n`)).toEqual(['r.yaml:7:14: alias "*r" has no anchor "&r" before it']);
  });

  test('a problem with a block mapping points at its key, not at its first child', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n    capture:\n      out:\n        regex: x\n        lines: true\n`)).toEqual([
      'r.yaml:8:7: steps[0].capture.out: choose one of regex, lines, json (found regex and lines)',
    ]);
  });
});

describe('schema problems', () => {
  test('every unknown key is reported, each with its own suggestion', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n    tmeout: 5m\n    detatch: true\n    frobnicate: 1\n`)).toEqual([
      'r.yaml:7:5: steps[0].tmeout: unknown key "tmeout" (did you mean "timeout"?)',
      'r.yaml:8:5: steps[0].detatch: unknown key "detatch" (did you mean "detach"?)',
      expect.stringMatching(/^r\.yaml:9:5: steps\[0\]\.frobnicate: unknown key "frobnicate"; expected one of id, title, /),
    ]);
  });

  test('a misspelt required key is reported once, as the misspelling; an unrelated unknown key leaves "missing" in place', () => {
    expect(problems('apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: t, title: T }\nstpes:\n  - id: a\n    run: echo\n')).toEqual([
      'r.yaml:4:1: stpes: unknown key "stpes" (did you mean "steps"?)',
    ]);
    expect(problems('apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: t, title: T }\nextra: 1\n')).toEqual([
      'r.yaml:1:1: missing required key "steps"',
      'r.yaml:4:1: extra: unknown key "extra"; expected one of apiVersion, kind, metadata, params, roles, steps',
    ]);
  });

  test('a file that is not fieldbook\'s is reported by its identity alone', () => {
    expect(problems('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: {}\n')).toEqual([
      'r.yaml:1:13: apiVersion: expected "fieldbook/v1", found "apps/v1"',
      'r.yaml:2:7: kind: expected "Runbook", found "Deployment"',
    ]);
  });

  test('type names are the file\'s words: a list, a mapping, an integer, true or false, a duration', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n    timeout: 30\n    idempotent: 1\n    maxParallel: 2.5\n    expect: { exitCodes: 0 }\n`)).toEqual([
      'r.yaml:7:14: steps[0].timeout: expected a duration such as "30s", "5m", "2h" or "1h30m", found number 30',
      'r.yaml:8:17: steps[0].idempotent: expected true or false, found number 1',
      'r.yaml:9:18: steps[0].maxParallel: expected an integer, found number 2.5',
      'r.yaml:10:26: steps[0].expect.exitCodes: expected a list, found number 0',
    ]);
  });

  test('a param default must fit its own type, pattern and values', () => {
    expect(problems(`${HEAD}params:\n  n: { type: integer, default: "5" }\n  b: { type: boolean, default: 1 }\n  p: { pattern: '^[a-z]+$', default: ABC }\n  l: { type: list, values: [x, y], default: [x, z] }\n  ok: { type: list, default: [1, two] }\nsteps:\n  - id: a\n    run: echo\n`)).toEqual([
      'r.yaml:5:32: params.n.default: expected an integer, found "5"',
      'r.yaml:6:32: params.b.default: expected true or false, found 1',
      'r.yaml:7:38: params.p.default: "ABC" does not match the pattern ^[a-z]+$',
      'r.yaml:8:45: params.l.default: item "z": expected one of "x", "y"',
    ]);
  });
});

describe('references', () => {
  const SITE = `${SITE_HEAD}hosts:\n  h1: { address: 10.0.0.1, vars: { dir: /a } }\n  h2: { address: 10.0.0.2, vars: { dir: /b } }\nroles:\n  nodes: [h1, h2]\n`;

  test('every kind of valid reference passes', () => {
    const runbook = `${HEAD}params:\n  p: { default: x }\nroles:\n  nodes: { min: 1 }\nsteps:
  - id: measure
    on: nodes
    run: du -sb \${{ host.vars.dir }} # on \${{ host.name }} \${{ host.address }} \${{ host.port }} \${{ host.user }}
    capture: { size: { regex: '(\\d+)' } }
  - id: ask
    manual:
      instructions: Ticket for \${{ site.name }}, run \${{ run.id }} (\${{ run.mode }})?
      record: [{ name: ticket, prompt: Ticket }]
  - id: report
    when: \${{ steps.measure.status == 'succeeded' && !(params.p == 'y') }}
    foreach: [a, b]
    run: echo \${{ item }} \${{ steps.measure.outputs.size }} \${{ steps.measure.hosts.h1.outputs.size }} \${{ steps.ask.outputs.ticket }} $\${{ literal }}
`;
    expect(problems(runbook)).toEqual([]);
    expect(problems(runbook, SITE)).toEqual([]);
  });

  test('host vars are checked against every host of the role when the site is known', () => {
    const runbook = `${HEAD}roles:\n  nodes: { min: 1 }\nsteps:\n  - id: a\n    on: nodes\n    run: ls \${{ host.vars.dri }}\n`;
    expect(problems(runbook)).toEqual([]);
    expect(problems(runbook, SITE)).toEqual(['r.yaml:9:13: steps[0].run: host.vars.dri is not set for hosts "h1", "h2" of role "nodes" (did you mean "dir"?)']);
  });

  test('an output of a step that has none says how to add one', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: echo\n  - id: b\n    run: echo \${{ steps.a.outputs.x }}\n`)).toEqual([
      'r.yaml:8:15: steps[1].run: step "a" has no outputs; add a `capture` to it',
    ]);
  });

  test('the n-th identical expression in a field is located at its own line', () => {
    expect(problems(`${HEAD}steps:\n  - id: a\n    run: |\n      echo \${{ params.x }}\n      echo \${{ params.x }}\n`)).toEqual([
      'r.yaml:7:12: steps[0].run: unknown param "x"',
      'r.yaml:8:12: steps[0].run: unknown param "x"',
    ]);
  });
});

describe('site checks', () => {
  const RUNBOOK = `${HEAD}params:\n  registry: {}\n  password: { secret: true }\nroles:\n  nodes: { min: 2, max: 3 }\n  extra: { min: 0 }\nsteps:\n  - id: a\n    on: nodes\n    run: echo\n`;

  test('a role listing a host twice, a jump through an unknown host, and kube.via: local', () => {
    const site = `${SITE_HEAD}ssh: { jump: gw }\nhosts:\n  h1: { address: 10.0.0.1 }\n  h2: { address: 10.0.0.2 }\nroles:\n  nodes: [h1, h1]\nkube: { via: local }\n`;
    expect(problems(RUNBOOK, site)).toEqual([
      's.yaml:4:14: ssh.jump: host "gw" is not defined',
      's.yaml:9:15: roles.nodes[1]: host "h1" is listed twice in role "nodes"',
    ]);
  });

  test('role sizes are checked against min and max; a role with min: 0 may be left out', () => {
    const hosts = 'hosts:\n  h1: { address: 10.0.0.1 }\n  h2: { address: 10.0.0.2 }\n  h3: { address: 10.0.0.3 }\n  h4: { address: 10.0.0.4 }\n';
    expect(problems(RUNBOOK, `${SITE_HEAD}${hosts}roles:\n  nodes: [h1]\n`)).toEqual(['s.yaml:10:10: roles.nodes: role "nodes" needs at least 2 and at most 3 host(s), found 1']);
    expect(problems(RUNBOOK, `${SITE_HEAD}${hosts}roles:\n  nodes: [h1, h2, h3, h4]\n`)).toEqual(['s.yaml:10:10: roles.nodes: role "nodes" needs at least 2 and at most 3 host(s), found 4']);
    expect(problems(RUNBOOK, `${SITE_HEAD}${hosts}roles:\n  nodes: [h1, h2]\n`)).toEqual([]);
  });

  test('site params: unknown names, secrets and values of the wrong type', () => {
    const site = `${SITE_HEAD}hosts:\n  h1: { address: 10.0.0.1 }\n  h2: { address: 10.0.0.2 }\nroles:\n  nodes: [h1, h2]\nparams:\n  registry: [a, b]\n  password: x\n  registri: y\n`;
    expect(problems(RUNBOOK, site)).toEqual([
      's.yaml:10:13: params.registry: expected a string, found a list (param "registry" of runbook "t")',
      's.yaml:11:3: params.password: "password" is a secret; a site file must not hold it (use FIELDBOOK_SECRET_PASSWORD or the prompt)',
      's.yaml:12:3: params.registri: runbook "t" has no param "registri" (did you mean "registry"?)',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseText } from '../schema/load.js';
import { checkRunbook } from './runbook-refs.js';

const runbook = (steps: string) => `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: t, title: T }
params:
  token: { secret: true }
  plain: { type: list }
steps:
  - id: vault
    manual:
      instructions: x
      record: [ { name: key, prompt: Key, secret: true }, { name: ticket, prompt: Ticket } ]
${steps}`;

const problems = (steps: string) => {
  const { value, source } = parseText('runbook.yaml', runbook(steps), 'Runbook');
  return checkRunbook(value, source).map((issue) => issue.message);
};

describe('validate: a secret where it would be journaled, shown or put in argv', () => {
  it.each([
    ['foreach over a secret param', '  - id: each\n    foreach: ${{ params.token }}\n    run: "true"\n', /params\.token is a secret, and `foreach` items are journaled/],
    ['foreach over a secret record', '  - id: each\n    foreach: ${{ steps.vault.outputs.key }}\n    run: "true"\n', /steps\.vault\.outputs\.key is a secret, and `foreach`/],
    ['a reviewed list', '  - id: wipe\n    destructive: true\n    confirm: { review: "${{ params.token }}" }\n    run: "true"\n', /a reviewed list is shown in full and journaled/],
    ['kubectl.args', '  - id: k\n    kubectl: { args: [get, "${{ params.token }}"] }\n', /kubectl's argv is visible to every user of the machine \(ps\); use a `run` step/],
    ['kubectl.exec.pod', '  - id: k\n    kubectl: { exec: { pod: "${{ steps.vault.outputs.key }}" }, run: "true" }\n', /kubectl's argv is visible .* name the pod with values that are not secret/],
  ])('refuses %s', (_name, steps, message) => {
    expect(problems(steps)).toEqual([expect.stringMatching(message)]);
  });

  it('accepts secrets in scripts, and lists or argv made of values that are not secret', () => {
    const steps = [
      '  - id: s\n    run: echo ${{ params.token }} ${{ steps.vault.outputs.key }}\n',
      '  - id: each\n    foreach: ${{ params.plain }}\n    run: "true"\n',
      '  - id: k\n    kubectl: { args: [get, "${{ steps.vault.outputs.ticket }}"] }\n',
      '  - id: e\n    kubectl: { exec: { pod: p }, run: "echo ${{ params.token }}" }\n',
    ];
    expect(problems(steps.join(''))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

/** bin/fieldbook.js runs React's production builds (the development build leaked ~95 MB a minute in the TUI). */

const REPORTER = resolve(import.meta.dirname, '..', 'fixtures', 'report-react-builds.cjs');

describe('bin/fieldbook.js and React', () => {
  it.each([undefined, 'development'])('loads the production builds whatever NODE_ENV is (%s)', (nodeEnv) => {
    const dir = tempDirForTest();
    const env = { PATH: process.env['PATH'], HOME: dir, ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) };
    const result = spawnSync(process.execPath, ['--require', REPORTER, CLI, '--version'], { env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const builds = /react-builds: (.*)/.exec(result.stderr)?.[1]?.split(' ') ?? [];
    expect(builds).toEqual(expect.arrayContaining(['react.production.js', 'react-reconciler.production.js', 'scheduler.production.js']));
    expect(builds.filter((b) => b.includes('development'))).toEqual([]);
  });

  it.each([undefined, 'development'])("a local step still sees the operator's NODE_ENV (%s)", (nodeEnv) => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', 'apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: env, title: Env }\nsteps:\n  - id: show\n    run: echo "node-env=${NODE_ENV-unset}"\n');
    const env = { PATH: process.env['PATH'], HOME: dir, FIELDBOOK_HOME: join(dir, '.fieldbook'), LANG: 'C.UTF-8', ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) };
    const result = spawnSync(process.execPath, [CLI, 'run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain'], { cwd: dir, env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`node-env=${nodeEnv ?? 'unset'}`);
  });
});

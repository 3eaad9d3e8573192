#!/usr/bin/env node
// An installable tarball with the same content as the single-file bundle: fieldbook.mjs as the program (no
// dependencies to fetch, so it installs offline), plus the runbooks, examples and docs. Run `npm run bundle` first.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stage = join(root, 'dist', 'package');
const bundle = join(root, 'dist', 'fieldbook.mjs');
if (!existsSync(bundle)) throw new Error('dist/fieldbook.mjs is missing: run npm run bundle first');
const source = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
cpSync(bundle, join(stage, 'fieldbook.mjs'));
for (const dir of ['runbooks', 'examples', 'docs']) cpSync(join(root, dir), join(stage, dir), { recursive: true });
cpSync(join(root, 'README.md'), join(stage, 'README.md'));
writeFileSync(
  join(stage, 'package.json'),
  `${JSON.stringify(
    {
      name: source.name,
      version: source.version,
      description: source.description,
      license: source.license,
      type: 'module',
      bin: { fieldbook: 'fieldbook.mjs' },
      engines: source.engines,
      files: ['fieldbook.mjs', 'runbooks', 'examples', 'docs', 'README.md'],
    },
    null,
    2,
  )}\n`,
);
const name = execFileSync('npm', ['pack', '--pack-destination', join(root, 'dist')], { cwd: stage, encoding: 'utf8' }).trim().split('\n').at(-1);
const tarball = join(root, 'dist', name);
const sha = createHash('sha256').update(readFileSync(tarball)).digest('hex');
writeFileSync(`${tarball}.sha256`, `${sha}  ${name}\n`);
console.log(`${tarball}\nsha256 ${sha}`);

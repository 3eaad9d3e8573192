#!/usr/bin/env node
import { createRequire } from 'node:module';

// React picks its build from NODE_ENV when first loaded. The development build keeps every component timing in
// Node's performance buffer: the TUI grew ~95 MB a minute on a step that prints steadily. Load the production
// builds here, resolved as ink resolves them, and put the variable back so local steps see the operator's own.
const fromInk = createRequire(import.meta.resolve('ink'));
const fromReconciler = createRequire(fromInk.resolve('react-reconciler'));
const operatorNodeEnv = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';
fromInk('react');
fromInk('react/jsx-runtime');
fromInk('react-reconciler');
fromReconciler('scheduler');
if (operatorNodeEnv === undefined) delete process.env.NODE_ENV;
else process.env.NODE_ENV = operatorNodeEnv;

await import('../dist/cli/entry.js');

#!/usr/bin/env node
// Rewrites the option table of README.md from the CLI's own definitions (run after `npm run build`).
// test/cli-help.test.ts fails when the README is not what this script writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/src/cli/program.js';
import { withOptionsTable } from '../dist/src/cli/options-table.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withOptionsTable(readFileSync(path, 'utf8'), await buildProgram()));

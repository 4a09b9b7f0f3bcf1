// Prints the table of known kinds for docs/inputs.md (after a build): node scripts/kinds-table.mjs
import { kindsTable } from '../dist/src/sources/k8s/kinds/index.js';
import { BUILTIN_OPERATORS } from '../dist/src/sources/k8s/operators.js';

process.stdout.write(`${kindsTable(BUILTIN_OPERATORS)}\n`);

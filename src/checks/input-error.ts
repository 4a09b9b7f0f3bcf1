import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';

/**
 * An input error means part of the input was skipped (a YAML syntax error, an object the API server would
 * reject): the results describe a cluster without it. As a finding, `--fail-on error` gates on it.
 */
export default defineCheck({
  meta: {
    id: 'input-error',
    category: 'input',
    severity: 'error',
    title: 'Part of the input could not be read',
    docs: 'docs/checks.md#input-error',
    controls: [PCI_1_2_7],
    remediation: 'Fix the file at the line named: the results do not reflect what it holds until it parses and validates.',
    messages: {
      error: 'not reflected in the results: {{message}}',
    },
  },
  check(ctx) {
    for (const d of ctx.diagnostics) {
      if (d.severity !== 'error') continue;
      const file = d.source?.file ?? '(input)';
      ctx.report({
        messageId: 'error',
        data: { message: d.message },
        resource: { kind: 'File', name: file },
        ...(d.source ? { location: d.source } : {}),
        // The code and message, not the line: the finding keeps its id when lines above it move.
        key: `${d.code}\u0000${d.message}`,
      });
    }
  },
});

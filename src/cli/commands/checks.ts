/** `bulkhead checks`: every audit check with its severity, category, controls and documentation. */
import type { Command } from 'commander';
import { CHECKS } from '../../checks/index.js';
import { toJsonText } from '../../reports/json.js';
import { docsUrl } from '../docs-url.js';
import { formatOption, outputFileOption, pickFormatOf, type FormatOpts } from '../options.js';
import { openReport } from '../output.js';

const FORMATS = ['text', 'json', 'md'] as const;

function rows(): Array<{ id: string; severity: string; category: string; title: string; controls: string[]; docs: string; url: string }> {
  return CHECKS.map(({ meta: m }) => ({
    id: m.id,
    severity: m.severity,
    category: m.category,
    title: m.title,
    controls: m.controls.map((c) => `${c.framework} ${c.id}`),
    docs: m.docs,
    url: docsUrl(m.docs),
  }));
}

/** Registers `bulkhead checks`. */
export function registerChecks(program: Command): void {
  const cmd = program.command('checks').description('list every audit check: id, severity, category, the controls it maps to, and its documentation');
  formatOption(cmd, FORMATS);
  outputFileOption(cmd);
  cmd.action(async (opts: FormatOpts) => {
    const format = pickFormatOf(opts, FORMATS);
    const list = rows();
    let text: string;
    if (format === 'json') text = toJsonText({ schema: 'bulkhead.checks/v1', checks: list });
    else if (format === 'md') {
      text = ['| check | severity | category | controls |', '|---|---|---|---|', ...list.map((c) => `| [${c.id}](${c.docs}) | ${c.severity} | ${c.category} | ${c.controls.join('; ')} |`)].join('\n') + '\n';
    } else {
      const w = Math.max(...list.map((c) => c.id.length));
      text = list.map((c) => `${c.id.padEnd(w)}  ${c.severity.padEnd(7)}  ${c.category.padEnd(9)}  ${c.title}\n${' '.repeat(w + 2)}controls: ${c.controls.join('; ') || 'none'}\n${' '.repeat(w + 2)}${c.url}\n`).join('');
      text += `${list.length} checks; disable one with audit --disable ID, or per resource with the annotation bulkhead.io/ignore\n`;
    }
    const out = openReport(opts.outputFile);
    await out.write(text);
    out.end();
  });
}

import type { Direction } from '../inventory/types.js';
import { NIST_SC_7 } from './controls.js';
import { defineCheck } from './types.js';

/**
 * Two admin-tier policies with the same priority that both apply to some pod in one direction: which one
 * is evaluated first is left to the implementation (the API calls it undefined), so the verdict may differ
 * between network plugins and between versions. Bulkhead evaluates them by name.
 */
export default defineCheck({
  meta: {
    id: 'admin-priority-overlap',
    category: 'hygiene',
    severity: 'warning',
    title: 'Admin policies of equal priority overlap',
    docs: 'docs/checks.md#admin-priority-overlap',
    controls: [NIST_SC_7],
    remediation: 'Give the policies different priorities (lower is evaluated first), so the order between them is defined.',
    messages: {
      overlap: '{{a}} and {{b}} have the same priority {{priority}} and both apply to the {{direction}} of {{count}} workload(s) ({{workloads}}): which is evaluated first is undefined; Bulkhead evaluates {{a}} first (by name)',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const t = a.tiers?.admin;
    if (!t) return;
    const ps = t.policies;
    for (let i = 0; i < ps.length; i++) {
      for (let j = i + 1; j < ps.length && ps[j]!.priority === ps[i]!.priority; j++) {
        const [p, q] = [ps[i]!, ps[j]!];
        const qs = new Set(t.subjects.get(q) ?? []);
        const both = (t.subjects.get(p) ?? []).filter((c) => qs.has(c));
        for (const direction of ['ingress', 'egress'] as Direction[]) {
          if (p[direction].length === 0 || q[direction].length === 0 || both.length === 0) continue;
          const workloads = [...new Set(both.flatMap((c) => a.layer.classes[c]!.pods.map((x) => x.workload)))].sort();
          ctx.report({
            messageId: 'overlap',
            data: {
              a: `${p.kind} ${p.name}`,
              b: `${q.kind} ${q.name}`,
              priority: p.priority,
              direction,
              count: workloads.length,
              workloads: workloads.slice(0, 3).join(', ') + (workloads.length > 3 ? ` and ${workloads.length - 3} more` : ''),
            },
            resource: { kind: q.kind, name: q.name },
            location: q.source,
            key: `${p.name}#${direction}`,
            related: [{ message: `${p.kind} ${p.name}`, location: p.source }],
          });
        }
      }
    }
  },
});

/** Random intent files for the property tests of the judging and of what the checks make of it. */
import fc from 'fast-check';
import { NAMESPACE_NAMES } from './generate.js';

/** A random intent with overlapping segments, address segments, flows to and from them, and invariants. */
export const intentArb = fc
  .record({
    segments: fc.array(fc.record({ ns: fc.option(fc.constantFrom(...NAMESPACE_NAMES, 'ns*'), { nil: undefined }), label: fc.option(fc.tuple(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b')), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
    cidrs: fc.subarray(['10.0.0.0/29', '10.0.0.8/30', '0.0.0.0/1', 'fd00::/120']),
    flows: fc.array(fc.record({ from: fc.nat(5), to: fc.nat(8), ports: fc.option(fc.tuple(fc.constantFrom('TCP', 'UDP'), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 4 })), { nil: undefined }) }), { maxLength: 8 }),
    never: fc.option(fc.tuple(fc.nat(8), fc.nat(8)), { nil: undefined }),
    isolated: fc.option(fc.constantFrom('app', '{label: tier}', '{namespaceLabel: team}', 'segments'), { nil: undefined }),
  })
  .map(({ segments, cidrs, flows, never, isolated }) => {
    const names: string[] = [];
    const lines = ['segments:'];
    segments.forEach((s, i) => {
      const crit = [s.ns ? `namespace: "${s.ns}"` : '', s.label ? `labels: {${s.label[0]}: ${s.label[1]}}` : ''].filter(Boolean);
      lines.push(`  s${i}: {${crit.length ? crit.join(', ') : 'namespace: ns1'}}`);
      names.push(`s${i}`);
    });
    cidrs.forEach((c, i) => {
      lines.push(`  net${i}: {cidrs: [${c}]}`);
      names.push(`net${i}`);
    });
    names.push('world');
    const name = (i: number): string => names[i % names.length]!;
    lines.push('flows:');
    for (const f of flows) lines.push(`  - {from: ${name(f.from)}, to: [${name(f.to)}, ${name(f.to + 1)}]${f.ports ? `, ports: [${f.ports[0]}/${f.ports[1]}-${f.ports[1] + f.ports[2]}]` : ''}}`);
    if (flows.length === 0) lines.push('  []');
    const invs: string[] = [];
    const declared = names.filter((n) => n !== 'world');
    if (never) invs.push(`  - never: {from: ${declared[never[0] % declared.length]}, to: ${declared[never[1] % declared.length]}}`);
    if (isolated && (isolated !== 'segments' || declared.length > 1)) invs.push(`  - isolated: ${isolated === 'segments' ? `{segments: [${declared.join(', ')}]}` : isolated}`);
    if (invs.length) lines.push('invariants:', ...invs);
    return lines.join('\n').replace('flows:\n  []', 'flows: []') + '\n';
  });

/**
 * `init` on AWS estates: the drafted intent allows exactly what is open. Audited against it, a random estate
 * has no unintended path, no over-broad one, no broken flow and no unmapped interface; and for every pair of
 * interfaces (and outside addresses) in different segments, the flows intend a packet exactly when the
 * reference evaluator (test/oracle/aws) lets it through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { draftAwsIntent } from '../../src/analyses/aws/init.js';
import { awsDrift, awsIntentModel } from '../../src/analyses/aws/intent.js';
import { renderIntentYaml } from '../../src/analyses/intent/init.js';
import { parseIntent } from '../../src/analyses/intent/load.js';
import { homeOf } from '../../src/analyses/intent/membership.js';
import type { Intent } from '../../src/analyses/intent/types.js';
import { ipKey, V6_BASE } from '../../src/engine/cloud/estate.js';
import { parseIp } from '../../src/model/address.js';
import { icmpValue, TrafficSet } from '../../src/model/traffic-set.js';
import { referenceVerdict, type OEnd, type Packet } from '../oracle/aws/reference.js';
import { estateArb } from './estate-gen.js';
import { AWS_SHAPES, generateAwsEstate } from '../../bench/aws-generate.js';

const PACKETS: Packet[] = [
  { protocol: 6, value: 22 }, { protocol: 6, value: 80 }, { protocol: 6, value: 443 }, { protocol: 6, value: 1055 }, { protocol: 6, value: 5500 },
  { protocol: 17, value: 53 }, { protocol: 17, value: 1055 }, { protocol: 1, value: icmpValue(8, 0) }, { protocol: 1, value: icmpValue(3, 4) }, { protocol: 50, value: 0 },
  { protocol: 58, value: icmpValue(128, 0) }, { protocol: 58, value: icmpValue(1, 0) },
];
const EPH: [number, number] = [1000, 1100];

/** What the intent's flows allow from segments `s` to segments `d`. */
function intended(intent: Intent, s: readonly string[], d: readonly string[]): TrafficSet {
  return intent.flows.filter((f) => f.from.some((x) => s.includes(x)) && f.to.some((x) => d.includes(x))).reduce((t, f) => t.union(f.traffic), TrafficSet.EMPTY);
}

test('init on random estates (IPv4, dual-stack and IPv6-only): auditing against the drafted intent finds nothing, and its flows are exactly the reference reach', () => {
  let compared = 0;
  let allowed = 0;
  let flows = 0;
  // IPv6 answers: an outside IPv6 end, or ICMPv6 (which only IPv6 carries).
  let allowed6 = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || compared <= 2000 || allowed <= 100 || flows <= 60 || allowed6 <= 200); batch++) fc.assert(
    fc.property(estateArb({ ipv6: true }), ({ snapshot, externals }) => {
      const inv = buildAwsInventory([{ path: 'gen.json', text: JSON.stringify(snapshot) }]);
      const a = analyseAwsInventory(inv, { ephemeral: EPH });
      const intent = parseIntent(renderIntentYaml(draftAwsIntent(a)), 'init.yaml');
      flows += intent.flows.length;
      const d = awsDrift(a, intent);
      assert.deepEqual([d.violations.length, d.overbroad.length, d.broken.length, d.unmapped.length, d.emptySegments.length], [0, 0, 0, 0, 0], renderIntentYaml(draftAwsIntent(a)));
      // Every interface in exactly one segment; outside addresses by the model's own placement.
      const m = awsIntentModel(a, intent);
      const segOf = new Map<string, readonly string[]>();
      for (const g of m.groups) for (const e of g.ends) if (e.eni) segOf.set(e.eni.id, g.segments);
      const extSegs = (x: string): readonly string[] => {
        const ip = parseIp(x)!;
        return m.groups.find((g) => g.external && g.ends.some((e) => e.range!.family === ip.family && e.range!.lo <= ip.value && ip.value <= e.range!.hi))?.segments ?? ['world'];
      };
      const inVpc = (x: string): boolean => {
        const ip = parseIp(x)!;
        return inv.vpcs.some((v) => v.cidrs.some((c) => c.range.family === ip.family && c.range.lo <= ip.value && ip.value <= c.range.hi));
      };
      const ends: Array<{ end: OEnd; segs: readonly string[] }> = [
        ...inv.interfaces.map((eni) => ({ end: { kind: 'eni' as const, eni }, segs: segOf.get(eni.id)! })),
        ...externals.filter((x) => !inVpc(x)).map((x) => ({ end: { kind: 'external' as const, address: ipKey(x) }, segs: extSegs(x) })),
      ];
      for (const e of ends) if (e.end.kind === 'eni') assert.equal(e.segs.length, 1, e.end.eni.id);
      for (const s of ends) for (const t of ends) {
        if (s === t || (s.end.kind === 'external' && t.end.kind === 'external')) continue;
        if (homeOf(intent, s.segs) === homeOf(intent, t.segs)) continue;
        const want = intended(intent, s.segs, t.segs);
        for (const p of PACKETS) {
          const ok = referenceVerdict(inv, s.end, t.end, p, EPH) === 'allowed';
          compared++;
          if (ok) allowed++;
          if (ok && (p.protocol === 58 || [s.end, t.end].some((e) => e.kind === 'external' && e.address >= V6_BASE))) allowed6++;
          assert.equal(want.has(p.protocol, p.value), ok, `${s.segs[0]} -> ${t.segs[0]} ${JSON.stringify(p)}`);
        }
      }
    }),
    { numRuns: 60 },
  );
  assert.ok(compared > 2000 && allowed > 100 && flows > 60 && allowed6 > 200, `compared ${compared}, allowed ${allowed} (IPv6 ${allowed6}), flows ${flows}`);
});

test('init on the benchmark generator\'s estate: readable segments, and the audit against them finds nothing', () => {
  const { files } = generateAwsEstate(AWS_SHAPES.AWS_S);
  const a = analyseAwsInventory(buildAwsInventory(files));
  const draft = draftAwsIntent(a);
  const intent = parseIntent(renderIntentYaml(draft), 'init.yaml');
  const d = awsDrift(a, intent);
  assert.deepEqual([d.violations.length, d.overbroad.length, d.broken.length, d.unmapped.length], [0, 0, 0, 0]);
  assert.ok(intent.flows.length > 5);
  // Most segments are named by VPC, subnet or subnet and group, not by listing interfaces.
  const listed = draft.segments.filter((s) => s.aws?.interfaces).length;
  assert.ok(listed * 4 < draft.segments.length, `${listed} of ${draft.segments.length} segments list interfaces`);
});

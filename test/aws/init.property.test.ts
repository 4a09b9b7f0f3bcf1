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
import { ip4 } from '../../src/engine/cloud/estate.js';
import { icmpValue, TrafficSet } from '../../src/model/traffic-set.js';
import { referenceVerdict, type OEnd, type Packet } from '../oracle/aws/reference.js';
import { estateArb } from './estate-gen.js';
import { AWS_SHAPES, generateAwsEstate } from '../../bench/aws-generate.js';

const PACKETS: Packet[] = [
  { protocol: 6, value: 22 }, { protocol: 6, value: 80 }, { protocol: 6, value: 443 }, { protocol: 6, value: 1055 }, { protocol: 6, value: 5500 },
  { protocol: 17, value: 53 }, { protocol: 17, value: 1055 }, { protocol: 1, value: icmpValue(8, 0) }, { protocol: 1, value: icmpValue(3, 4) }, { protocol: 50, value: 0 },
];
const EPH: [number, number] = [1000, 1100];

/** What the intent's flows allow from segments `s` to segments `d`. */
function intended(intent: Intent, s: readonly string[], d: readonly string[]): TrafficSet {
  return intent.flows.filter((f) => f.from.some((x) => s.includes(x)) && f.to.some((x) => d.includes(x))).reduce((t, f) => t.union(f.traffic), TrafficSet.EMPTY);
}

test('init on random estates: auditing against the drafted intent finds nothing, and its flows are exactly the reference reach', () => {
  let compared = 0;
  let allowed = 0;
  let flows = 0;
  // The counts come from random inputs: extra batches, at most three, top them up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || compared <= 2000 || allowed <= 100 || flows <= 60); batch++) fc.assert(
    fc.property(estateArb(), ({ snapshot, externals }) => {
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
      const extSegs = (addr: bigint): readonly string[] => m.groups.find((g) => g.external && g.ends.some((e) => e.range!.lo <= addr && addr <= e.range!.hi))?.segments ?? ['world'];
      const ends: Array<{ end: OEnd; segs: readonly string[] }> = [
        ...inv.interfaces.map((eni) => ({ end: { kind: 'eni' as const, eni }, segs: segOf.get(eni.id)! })),
        ...externals.filter((x) => !inv.vpcs.some((v) => v.cidrs.some((c) => c.range.lo <= ip4(x) && ip4(x) <= c.range.hi))).map((x) => ({ end: { kind: 'external' as const, address: ip4(x) }, segs: extSegs(ip4(x)) })),
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
          assert.equal(want.has(p.protocol, p.value), ok, `${s.segs[0]} -> ${t.segs[0]} ${JSON.stringify(p)}`);
        }
      }
    }),
    { numRuns: 60 },
  );
  assert.ok(compared > 2000 && allowed > 100 && flows > 60, `compared ${compared}, allowed ${allowed}, flows ${flows}`);
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

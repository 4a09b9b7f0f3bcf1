/**
 * AWS blast hops at outside blocks, on random estates: a hop claimed from (or to) an outside block holds for
 * every address class of the block. Its traffic is exactly what the reference evaluator (test/oracle/aws)
 * allows at each class, and its settings are what explain gives at each class, the block named for the address.
 * The classes are cut here, from every address the generated snapshot writes (IPv4 and IPv6), not by the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { awsBlastFrom, type AwsHop } from '../../src/analyses/aws/blast.js';
import { interfaceEndpointId, type NetworkInterface } from '../../src/inventory/aws/types.js';
import { formatIp, parseCidr, parseIp, type IpRange } from '../../src/model/address.js';
import { addressKey } from '../../src/engine/cloud/estate.js';
import { icmpValue } from '../../src/model/traffic-set.js';
import { referenceVerdict, type OEnd, type Packet } from '../oracle/aws/reference.js';
import { estateArb } from './estate-gen.js';

const EPH: [number, number] = [1000, 1100];
// One port of each atom of the generator's ranges, as in blast.property.test.ts.
const PORTS = [0, 22, 23, 80, 81, 443, 444, 1000, 1050, 1061, 1101, 5000, 6001];
const PACKETS: Packet[] = [
  ...PORTS.flatMap((value) => [{ protocol: 6, value }, { protocol: 17, value }]),
  ...[8, 3, 0, 5].map((t) => ({ protocol: 1, value: icmpValue(t, 0) })),
  { protocol: 58, value: icmpValue(128, 0) }, { protocol: 50, value: 0 }, { protocol: 47, value: 0 },
];
const STARTS = ['internet', '203.0.113.0/24', '8.8.0.0/16', '0.0.0.0/1', '2001:db8::/32', '2600::/12'];

/** Every address class of `ranges`: the ranges cut at each address or CIDR (of their family) written anywhere in `text`. */
function classesOf(ranges: readonly IpRange[], text: string): IpRange[] {
  const cuts = { 4: new Set<bigint>(), 6: new Set<bigint>() };
  const written = [...text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g), ...text.matchAll(/(?<![\w:])([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})(\/\d{1,3})?(?![\w:])/gi)];
  for (const m of written) {
    const ip = parseIp(m[1]!);
    const r = m[2] ? parseCidr(`${m[1]}${m[2]}`)?.range : ip ? { family: ip.family, lo: ip.value, hi: ip.value } : undefined;
    if (r) (cuts[r.family].add(r.lo), cuts[r.family].add(r.hi + 1n));
  }
  const out: IpRange[] = [];
  for (const r of ranges) {
    const sorted = [...cuts[r.family]].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    let lo = r.lo;
    for (const c of sorted) if (c > lo && c <= r.hi) (out.push({ family: r.family, lo, hi: c - 1n }), (lo = c));
    out.push({ family: r.family, lo, hi: r.hi });
  }
  return out;
}

test('every AWS blast hop at an outside block holds, traffic and settings, for every address class of the block', () => {
  let checked = 0;
  let split = 0;
  let six = 0;
  // Random estates: extra batches, at most three, top the counts up instead of failing by chance.
  for (let batch = 0; batch < 4 && (batch === 0 || checked <= 50 || split <= 10 || six <= 10); batch++) fc.assert(
    fc.property(estateArb({ ipv6: true }), ({ snapshot }) => {
      const text = JSON.stringify(snapshot);
      const inv = buildAwsInventory([{ path: 'gen.json', text }]);
      const a = analyseAwsInventory(inv, { ephemeral: EPH });
      const byId = new Map<string, NetworkInterface>(inv.interfaces.map((e) => [interfaceEndpointId(e), e]));
      const published = new Set([...inv.interfaces.map((e) => e.publicIp), ...inv.natGateways.map((n) => n.publicIp)].flatMap((x) => (x ? [parseIp(x)!.value] : [])));
      const blocks6 = inv.vpcs.flatMap((v) => v.cidrs.filter((c) => c.range.family === 6).map((c) => c.range));
      const check = (h: AwsHop, where: string): void => {
        const block = h.outside!;
        const inbound = !byId.has(h.from);
        const eni = byId.get(inbound ? h.to : h.from)!;
        assert.ok(eni, `${where}: an interface at the other end of ${h.from} -> ${h.to}`);
        const classes = classesOf(block.cidrs!.map((c) => parseCidr(c)!.range), text);
        if (classes.length > 1) split++;
        for (const cl of classes) {
          if (cl.family === 6) six++;
          for (const value of new Set([cl.lo, cl.hi])) {
            const address = addressKey(cl.family, value);
            const shown = formatIp(cl.family, value);
            const ext: OEnd = { kind: 'external', address };
            const src: OEnd = inbound ? ext : { kind: 'eni', eni };
            const dst: OEnd = inbound ? { kind: 'eni', eni } : ext;
            for (const p of PACKETS) {
              const want = referenceVerdict(inv, src, dst, p, EPH) === 'allowed';
              assert.equal(h.conns.has(p.protocol, p.value), want, `${where}: ${h.from} -> ${h.to} (${block.label}) at ${shown}, protocol ${p.protocol} value ${p.value}`);
            }
            const steps = a.explainPath(src, dst).steps;
            const token = cl.family === 4 ? new RegExp(`(?<![\\d.])${shown.replace(/\./g, '\\.')}(?![\\d]|\\.\\d)`, 'g') : new RegExp(`(?<![\\w:])${shown}(?![0-9a-f]|:[0-9a-f:])`, 'gi');
            const want = steps.map((x) => ({
              stage: x.stage,
              message: x.message.replace(token, block.label),
              rules: x.rules.filter((r) => r.action === 'allow' && (!r.traffic || x.stage === 'nacl-reply' || !r.traffic.intersect(h.conns).isEmpty())).map((r) => `${r.id} ${r.traffic?.toString() ?? ''}`),
            }));
            // At one of the estate's public addresses the messages name it in their own right: settings only.
            const own = cl.family === 4 ? published.has(value) : blocks6.some((b) => b.lo <= value && value <= b.hi);
            const got = h.stages.map((x) => ({ stage: x.stage, message: own ? '' : x.message, rules: x.rules.map((r) => `${r.id} ${r.traffic?.toString() ?? ''}`) }));
            if (own) for (const w of want) w.message = '';
            assert.deepEqual(got, want, `${where}: the settings of ${h.from} -> ${h.to} (${block.label}) at ${shown}`);
          }
        }
        checked++;
      };
      const froms = [...STARTS, ...inv.interfaces.map(interfaceEndpointId)];
      for (const from of froms) {
        const r = awsBlastFrom(a, { from });
        for (const e of r.reached) for (const h of e.path) if (h.outside) check(h, `from ${from}`);
      }
    }),
    { numRuns: 30 },
  );
  assert.ok(checked > 50, `hops at outside blocks checked: ${checked}`);
  assert.ok(split > 10, `blocks of several address classes: ${split}`);
  assert.ok(six > 10, `IPv6 address classes checked: ${six}`);
});

/**
 * VPCs with overlapping CIDR blocks, joined by peering or a transit gateway: the engine follows the routes as
 * they are (each VPC's local route wins for the shared addresses), packet by packet as the reference evaluator
 * does. The random estates give each VPC its own 10.i.0.0/16; here VPC 1 takes VPC 0's addresses (blocks,
 * subnets and interface addresses alike), so its routes to "VPC 1" name VPC 0's block (its /24 routes become
 * more specific than the local route, which AWS accepts only toward middleboxes: the two evaluators follow them
 * as written all the same).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { Estate, ipKey } from '../../src/engine/cloud/estate.js';
import { analysePath } from '../../src/engine/cloud/path.js';
import type { Endpoint } from '../../src/engine/cloud/routing.js';
import { icmpValue } from '../../src/model/traffic-set.js';
import { referenceVerdict, type Packet } from '../oracle/aws/reference.js';
import { estateArb } from './estate-gen.js';

const PACKETS: Packet[] = [
  { protocol: 6, value: 22 }, { protocol: 6, value: 443 }, { protocol: 6, value: 1055 }, { protocol: 17, value: 53 },
  { protocol: 1, value: icmpValue(8, 0) }, { protocol: 50, value: 0 },
];
const EPH: [number, number] = [1000, 1100];

test('the AWS engine agrees with the reference evaluator when two joined VPCs overlap', () => {
  let allowed = 0;
  let crossed = 0;
  fc.assert(
    fc.property(estateArb(), ({ snapshot, externals }) => {
      const text = JSON.stringify(snapshot).replaceAll('"10.1.', '"10.0.');
      const inv = buildAwsInventory([{ path: 'gen.json', text }]);
      const est = new Estate(inv);
      const ends: Endpoint[] = [...inv.interfaces.map((eni) => ({ kind: 'eni' as const, eni })), ...externals.map((x) => ({ kind: 'external' as const, address: ipKey(x) }))];
      for (const s of ends) for (const d of ends) {
        if (s === d || (s.kind === 'external' && d.kind === 'external')) continue;
        const ans = analysePath(est, s, d, { ephemeral: EPH });
        for (const p of PACKETS) {
          const want = referenceVerdict(inv, s, d, p, EPH);
          const got = ans.conns.has(p.protocol, p.value) ? 'allowed' : ans.responseBlocked.has(p.protocol, p.value) ? 'responseBlocked' : 'denied';
          if (got !== want) assert.fail(`${ans.src} -> ${ans.dst} ${JSON.stringify(p)}: engine ${got}, reference ${want}\n${ans.steps.map((x) => `${x.stage} ${x.verdict}: ${x.message}`).join('\n')}`);
          if (want === 'allowed') allowed++;
          // Pairs between the two overlapping VPCs: the sender's local route holds the shared addresses, unless
          // the rewrite made a route to the peer more specific than it (10.1.0.0/24 became 10.0.0.0/24).
          if (s.kind === 'eni' && d.kind === 'eni' && s.eni.vpc !== d.eni.vpc && ['vpc-0', 'vpc-1'].includes(s.eni.vpc) && ['vpc-0', 'vpc-1'].includes(d.eni.vpc)) crossed++;
        }
      }
    }),
    { numRuns: 80 },
  );
  assert.ok(allowed > 200, `allowed ${allowed}`);
  assert.ok(crossed > 100, `pairs between the overlapping VPCs ${crossed}`);
});

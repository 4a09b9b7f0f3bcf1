/** Reach over endpoint classes equals analysePath on every interface pair and every outside range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAwsInventory } from '../../src/sources/aws/snapshot.js';
import { analyseAwsInventory } from '../../src/analyses/aws/reach.js';
import { analysePath } from '../../src/engine/cloud/path.js';
import { addressKey } from '../../src/engine/cloud/estate.js';
import { interfaceEndpointId } from '../../src/inventory/aws/types.js';
import { parseCidr } from '../../src/model/address.js';
import { estateArb } from './estate-gen.js';

const EPH = { ephemeral: [1000, 1100] as [number, number] };

test('class reach lists exactly the pairs analysePath allows, with the same traffic (dual-stack estates)', () => {
  let shared = 0;
  let dual = 0;
  // Both counts come from random estates: extra batches, at most three, top them up instead of failing by
  // chance (as test/aws/blast.property.test.ts does); a generator that stopped making them still fails.
  for (let batch = 0; batch < 4 && (batch === 0 || shared <= 20 || dual <= 20); batch++) fc.assert(
    // Half the estates are transit gateway hubs, where the attachment subnets' NACLs are finished per pair.
    fc.property(fc.oneof(estateArb({ ipv6: true }), estateArb({ ipv6: true, tgw: true })), fc.nat(3), ({ snapshot }, copies) => {
      // Copies of interfaces (same subnet and groups, next addresses) make classes with several members.
      const nis = (snapshot['NetworkInterfaces'] as Array<Record<string, unknown>>) ?? [];
      const extra = nis.slice(0, copies).map((e, i) => ({ ...e, NetworkInterfaceId: `${String(e['NetworkInterfaceId'])}-copy${i}`, PrivateIpAddress: String(e['PrivateIpAddress']).replace(/\.(\d+)$/, (_, n: string) => `.${Number(n) + 100 + i}`),
        ...(e['Ipv6Addresses'] ? { Ipv6Addresses: (e['Ipv6Addresses'] as Array<{ Ipv6Address: string }>).map((x) => ({ Ipv6Address: x.Ipv6Address.replace(/::(\w+)$/, (_, n: string) => `::${(parseInt(n, 16) + 256 + i).toString(16)}`) })) } : {}) }));
      const inv = buildAwsInventory([{ path: 'gen.json', text: JSON.stringify({ ...snapshot, NetworkInterfaces: [...nis, ...extra] }) }]);
      const a = analyseAwsInventory(inv, EPH);
      const r = a.streamReach();
      // Interface classes only (r.classes counts the outside ranges too).
      if (r.view.classes.length < inv.interfaces.length) shared++;
      const got = new Map([...r.connections()].map((c) => [`${c.src} ${c.dst}`, `${c.conns.key()} ${c.responseBlocked.key()}`]));
      const want = new Map<string, string>();
      for (const s of inv.interfaces) for (const d of inv.interfaces) {
        if (s === d) continue;
        const p = analysePath(a.estate, { kind: 'eni', eni: s }, { kind: 'eni', eni: d }, EPH);
        if (!p.conns.isEmpty() || !p.responseBlocked.isEmpty()) want.set(`${interfaceEndpointId(s)} ${interfaceEndpointId(d)}`, `${p.conns.key()} ${p.responseBlocked.key()}`);
      }
      for (const x of r.endpoints.filter((e) => e.kind === 'External')) {
        for (const cidr of x.cidrs!) {
          const range = parseCidr(cidr)!.range;
          for (const addr of new Set([range.lo, range.hi])) {
            for (const e of inv.interfaces) {
              const key = addressKey(range.family, addr);
              const out = analysePath(a.estate, { kind: 'eni', eni: e }, { kind: 'external', address: key }, EPH);
              const inn = analysePath(a.estate, { kind: 'external', address: key }, { kind: 'eni', eni: e }, EPH);
              for (const [p, k] of [[out, `${interfaceEndpointId(e)} ${x.id}`], [inn, `${x.id} ${interfaceEndpointId(e)}`]] as const) {
                const v = `${p.conns.key()} ${p.responseBlocked.key()}`;
                if (!p.conns.isEmpty() || !p.responseBlocked.isEmpty()) {
                  if (want.has(k)) assert.equal(want.get(k), v, `${k}: every address of an outside range behaves alike`);
                  want.set(k, v);
                }
              }
            }
          }
        }
      }
      assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
      assert.equal(r.count(), got.size);
      if ([...got.keys()].some((k) => k.includes(':'))) dual++;
    }),
    { numRuns: 100 },
  );
  assert.ok(shared > 20, `estates with shared classes: ${shared}`);
  assert.ok(dual > 20, `estates with IPv6 connections listed: ${dual}`);
});

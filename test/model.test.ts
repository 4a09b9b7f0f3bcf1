import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalSet } from '../src/model/interval-set.js';
import { PortSet, parsePortSpec } from '../src/model/port-set.js';
import { atomize, formatIp, parseCidr, parseIp, rangeToCidrs } from '../src/model/address.js';

const U = 40;
const rangesArb = fc.array(fc.tuple(fc.integer({ min: 0, max: U }), fc.integer({ min: 0, max: U })), { maxLength: 6 });
const toSet = (rs: Array<[number, number]>): Set<number> => {
  const s = new Set<number>();
  for (const [a, b] of rs) for (let i = a; i <= b; i++) s.add(i);
  return s;
};
const members = (x: IntervalSet): Set<number> => toSet(x.ranges());

test('IntervalSet operations agree with naive sets', () => {
  fc.assert(
    fc.property(rangesArb, rangesArb, (ra, rb) => {
      const a = IntervalSet.fromRanges(ra);
      const b = IntervalSet.fromRanges(rb);
      const sa = toSet(ra);
      const sb = toSet(rb);
      assert.deepEqual(members(a), sa);
      assert.deepEqual(members(a.union(b)), new Set([...sa, ...sb]));
      assert.deepEqual(members(a.intersect(b)), new Set([...sa].filter((x) => sb.has(x))));
      assert.deepEqual(members(a.subtract(b)), new Set([...sa].filter((x) => !sb.has(x))));
      for (let i = 0; i <= U; i++) assert.equal(a.has(i), sa.has(i));
      // canonical: merged ranges never touch, so equal sets have equal keys
      const r = a.ranges();
      for (let i = 1; i < r.length; i++) assert.ok(r[i]![0] > r[i - 1]![1] + 1);
      assert.equal(a.union(b).equals(b.union(a)), true);
    }),
    { numRuns: 500 },
  );
});

test('PortSet renders like netpol-analyzer and round-trips through JSON', () => {
  const s = PortSet.of('TCP', 80).union(PortSet.of('TCP', 8080, 8090)).union(PortSet.of('UDP', 53));
  assert.equal(s.toString(), 'TCP 80,8080-8090,UDP 53');
  assert.deepEqual(s.toJSON(), { TCP: [[80, 80], [8080, 8090]], UDP: [[53, 53]] });
  assert.ok(PortSet.fromJSON(s.toJSON()).equals(s));
  assert.equal(PortSet.ALL.toString(), 'All Connections');
  assert.equal(PortSet.allOf('SCTP').union(PortSet.of('TCP', 1, 65535)).toString(), 'SCTP 1-65535,TCP 1-65535');
});

test('port specs parse and reject bad input', () => {
  assert.ok(parsePortSpec('TCP/443')!.equals(PortSet.of('TCP', 443)));
  assert.ok(parsePortSpec('udp/53')!.equals(PortSet.of('UDP', 53)));
  assert.ok(parsePortSpec('8080')!.equals(PortSet.of('TCP', 8080)));
  assert.ok(parsePortSpec('TCP/8000-8100')!.equals(PortSet.of('TCP', 8000, 8100)));
  assert.ok(parsePortSpec('SCTP')!.equals(PortSet.allOf('SCTP')));
  for (const bad of ['ICMP/1', 'TCP/0', 'TCP/70000', 'TCP/90-80', 'x', '']) assert.equal(parsePortSpec(bad), undefined, bad);
});

test('addresses: parse, format, CIDRs with host bits, IPv6', () => {
  assert.equal(parseIp('10.244.0.11')!.value, (10n << 24n) | (244n << 16n) | 11n);
  assert.equal(parseIp('256.1.1.1'), undefined);
  assert.equal(formatIp(6, parseIp('fd00::1')!.value), 'fd00::1');
  assert.equal(formatIp(6, parseIp('::ffff:10.0.0.1')!.value), '::ffff:a00:1');
  const c = parseCidr('10.244.0.11/4')!;
  assert.equal(c.hostBitsSet, true);
  assert.equal(formatIp(4, c.range.lo), '0.0.0.0');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0/8'), undefined);
  assert.deepEqual(rangeToCidrs({ family: 4, lo: 0n, hi: parseIp('9.255.255.255')!.value }), ['0.0.0.0/5', '8.0.0.0/7']);
  assert.deepEqual(rangeToCidrs(parseCidr('::/0')!.range), ['::/0']);
});

test('rangeToCidrs covers a range exactly with aligned blocks', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 20 }), (lo, len) => {
      const hi = Math.min(2 ** 32 - 1, lo + len);
      const cidrs = rangeToCidrs({ family: 4, lo: BigInt(lo), hi: BigInt(hi) });
      let next = BigInt(lo);
      for (const c of cidrs) {
        const p = parseCidr(c)!;
        assert.equal(p.hostBitsSet, false);
        assert.equal(p.range.lo, next);
        next = p.range.hi + 1n;
      }
      assert.equal(next, BigInt(hi) + 1n);
    }),
    { numRuns: 300 },
  );
});

test('atomize cuts the space so every atom is inside or outside each range', () => {
  const ranges = ['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/24'].map((c) => parseCidr(c)!.range);
  const atoms = atomize(4, ranges);
  assert.equal(atoms[0]!.lo, 0n);
  assert.equal(atoms[atoms.length - 1]!.hi, 2n ** 32n - 1n);
  for (let i = 1; i < atoms.length; i++) assert.equal(atoms[i]!.lo, atoms[i - 1]!.hi + 1n);
  for (const a of atoms) for (const r of ranges) assert.ok((a.lo >= r.lo && a.hi <= r.hi) || a.hi < r.lo || a.lo > r.hi);
});

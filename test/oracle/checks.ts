/**
 * The engine-versus-oracle checks shared by the property test files. Each returns the list of mismatches
 * (empty when the engine agrees with the reference evaluator) so a failure lists everything wrong at once.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { analyze, type Analysis } from '../../src/engine/index.js';
import { computeReach } from '../../src/analyses/reach.js';
import type { Inventory, Pod } from '../../src/inventory/types.js';
import { familyMax, formatIp, formatRange, type IpRange } from '../../src/model/address.js';
import type { PortSet, Protocol } from '../../src/model/port-set.js';
import { CHECKED_PORTS, CHECKED_PROTOCOLS, type ClusterCase } from './generate.js';
import { Oracle, type Address, type OracleEndpoint } from './reference.js';
import { expectedFamilies, probeAddresses, sampled, sampledUnion, tailProblem } from './compare.js';

const SEED = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 424242);
const SCALE = Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1);

/** fast-check parameters: fixed seed (BULKHEAD_PROPERTY_SEED), n runs times BULKHEAD_PROPERTY_SCALE, errors in the report. */
export function runs(n: number): fc.Parameters<[ClusterCase]> {
  const path = process.env['BULKHEAD_PROPERTY_PATH'];
  return { seed: SEED, numRuns: Math.max(1, Math.round(n * SCALE)), includeErrorInReport: true, ...(path ? { path, endOnFailure: true } : {}) };
}

export interface Loaded {
  readonly inventory: Inventory;
  readonly analysis: Analysis;
  readonly oracle: Oracle;
}

/** Loads YAML through the real loader, and builds both the engine and the oracle on the result. */
export function load(yaml: string): Loaded {
  const { inventory } = loadFromTexts([{ path: 'cluster.yaml', text: yaml }]);
  return { inventory, analysis: analyze(inventory), oracle: new Oracle(inventory) };
}

/** Fails with the mismatches found (first few) and the cluster YAML, so a shrunk case reads on its own. */
export function assertNone(problems: readonly string[], c: { readonly yaml: string }): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 12).join('\n  ');
  assert.fail(`${problems.length} mismatch(es):\n  ${shown}${problems.length > 12 ? '\n  ...' : ''}\n--- cluster YAML ---\n${c.yaml}`);
}

/** The engine target for one address. */
export function addrTarget(a: Address): { kind: 'address'; range: IpRange } {
  return { kind: 'address', range: { family: a.family, lo: a.value, hi: a.value } };
}

const addrText = (a: Address): string => formatIp(a.family, a.value);
const hasOf = (ps: PortSet) => (proto: Protocol, port: number) => ps.has(proto, port);

/** Every ordered pod pair (self pairs too: allowedPorts is the policy verdict), every protocol and checked port. */
export function pairProblems({ inventory, analysis, oracle }: Loaded): string[] {
  const problems: string[] = [];
  for (const src of inventory.pods) {
    for (const dst of inventory.pods) {
      const ps = analysis.allowedPorts(src.id, dst.id);
      const same = analysis.sameNodePorts(src.id, dst.id);
      const tail = tailProblem(ps);
      if (tail) problems.push(`${src.id} -> ${dst.id}: ${tail}`);
      // The node rule when the input does not say where the pods run: sameNodePorts is what the same node would allow.
      const verdicts = CHECKED_PROTOCOLS.map((proto) => CHECKED_PORTS.map((port) => oracle.verdict(src, dst, proto, port)));
      const conditional = verdicts.some((row) => row.includes('same-node'));
      if (!conditional && !same.isEmpty()) problems.push(`${src.id} -> ${dst.id}: engine says "only from the same node" (${same}), oracle is certain`);
      for (const [i, proto] of CHECKED_PROTOCOLS.entries()) {
        for (const [j, port] of CHECKED_PORTS.entries()) {
          const v = verdicts[i]![j]!;
          const want = v === 'allowed';
          if (ps.has(proto, port) !== want) problems.push(`${src.id} -> ${dst.id} ${proto}/${port}: engine ${!want}, oracle ${want}`);
          if (conditional && same.has(proto, port) !== (v !== 'denied')) problems.push(`${src.id} -> ${dst.id} ${proto}/${port} from the same node: engine ${same.has(proto, port)}, oracle ${v}`);
        }
      }
    }
  }
  return problems;
}

/** Every pod with every probe address (ipBlock edges, pod IPs, family ends), egress and ingress. */
export function addressProblems({ inventory, analysis, oracle }: Loaded): string[] {
  const problems: string[] = [];
  for (const a of probeAddresses(inventory)) {
    const t = addrTarget(a);
    for (const pod of inventory.pods) {
      const cls = { kind: 'class' as const, index: analysis.classOf(pod.id) };
      const checks: Array<[string, PortSet, OracleEndpoint, OracleEndpoint]> = [
        ['->', analysis.allowed(cls, t), { pod }, { address: a }],
        ['<-', analysis.allowed(t, cls), { address: a }, { pod }],
      ];
      for (const [arrow, ps, src, dst] of checks) {
        const want = sampled((proto, port) => oracle.allowedExternal(src, dst, proto, port));
        const got = sampled(hasOf(ps));
        if (want !== got) problems.push(`${pod.id} ${arrow} ${addrText(a)}: engine [${got}], oracle [${want}]`);
        const tail = tailProblem(ps);
        if (tail) problems.push(`${pod.id} ${arrow} ${addrText(a)}: ${tail}`);
      }
    }
  }
  return problems;
}

/** What every pod may do with one address, both directions, as one comparable string (oracle). */
function oracleBehaviour(inv: Inventory, oracle: Oracle, a: Address): string {
  return inv.pods
    .map(
      (pod) =>
        `${pod.id} out[${sampled((pr, po) => oracle.allowedExternal({ pod }, { address: a }, pr, po))}] in[${sampled((pr, po) => oracle.allowedExternal({ address: a }, { pod }, pr, po))}]`,
    )
    .join('; ');
}

/** The same string from the engine for a target range (an external block, as reach queries it). */
function engineBehaviour(inv: Inventory, analysis: Analysis, range: IpRange): string {
  return inv.pods
    .map((pod) => {
      const cls = { kind: 'class' as const, index: analysis.classOf(pod.id) };
      const t = { kind: 'address' as const, range };
      return `${pod.id} out[${sampled(hasOf(analysis.allowed(cls, t)))}] in[${sampled(hasOf(analysis.allowed(t, cls)))}]`;
    })
    .join('; ');
}

/** External blocks: partition of each modelled family, sorted, uniform inside, different from each neighbour. */
export function blockProblems({ inventory, analysis, oracle }: Loaded): string[] {
  const blocks = analysis.externals();
  const problems: string[] = [];
  const families = expectedFamilies(inventory);
  const gotFamilies = [...new Set(blocks.map((b) => b.range.family))];
  if (gotFamilies.join() !== families.join()) problems.push(`families ${gotFamilies.join()} (in this order), expected ${families.join()}`);
  const probes = probeAddresses(inventory);
  for (const f of families) {
    const fb = blocks.filter((b) => b.range.family === f).map((b) => b.range);
    if (fb.length === 0) continue;
    if (fb[0]!.lo !== 0n) problems.push(`IPv${f} blocks start at ${formatIp(f, fb[0]!.lo)}`);
    if (fb[fb.length - 1]!.hi !== familyMax(f)) problems.push(`IPv${f} blocks end at ${formatIp(f, fb[fb.length - 1]!.hi)}`);
    const behaviours: string[] = [];
    fb.forEach((r, i) => {
      if (r.lo > r.hi) problems.push(`empty block ${formatRange(r)}`);
      if (i > 0 && r.lo !== fb[i - 1]!.hi + 1n) problems.push(`gap or overlap between ${formatRange(fb[i - 1]!)} and ${formatRange(r)}`);
      const want = oracleBehaviour(inventory, oracle, { family: f, value: r.lo });
      behaviours.push(want);
      const got = engineBehaviour(inventory, analysis, r);
      if (got !== want) problems.push(`block ${formatRange(r)}: engine {${got}} but oracle at its first address {${want}}`);
      const inside = probes.filter((a) => a.family === f && a.value >= r.lo && a.value <= r.hi).map((a) => a.value);
      for (const v of new Set([...inside, r.hi, (r.lo + r.hi) / 2n])) {
        const at = oracleBehaviour(inventory, oracle, { family: f, value: v });
        if (at !== want) problems.push(`block ${formatRange(r)} is not uniform: oracle at ${formatIp(f, v)} {${at}} vs {${want}}`);
      }
      if (i > 0 && behaviours[i - 1] === want) problems.push(`adjacent blocks ${formatRange(fb[i - 1]!)} and ${formatRange(r)} behave alike: should be one`);
    });
  }
  return problems;
}

/** Expected reach connections "src => dst" to their sampled ports, from the oracle, for a grouping of pods. */
function expectedReach(analysis: Analysis, oracle: Oracle, groups: ReadonlyMap<string, readonly Pod[]>): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: string, v: string): void => {
    if (v !== '') out.set(k, v);
  };
  for (const [g1, ps1] of groups) {
    for (const [g2, ps2] of groups) {
      if (g1 === g2) continue;
      const sure = sampledUnion(ps1.flatMap((s) => ps2.map((d) => (pr: Protocol, po: number) => oracle.allowed(s, d, pr, po))));
      put(`${g1} => ${g2}`, sure);
      // Listed again, with the condition, when running on the same node would allow more.
      const ifSame = sampledUnion(ps1.flatMap((s) => ps2.map((d) => (pr: Protocol, po: number) => oracle.verdict(s, d, pr, po) !== 'denied')));
      if (ifSame !== sure) put(`${g1} => ${g2} (same node)`, ifSame);
    }
  }
  // Each block behaves uniformly (blockProblems checks it), so its first address speaks for it.
  for (const b of analysis.externals()) {
    const id = formatRange(b.range);
    const a: Address = { family: b.range.family, value: b.range.lo };
    for (const [g, ps] of groups) {
      put(`${g} => ${id}`, sampledUnion(ps.map((pod) => (pr: Protocol, po: number) => oracle.allowedExternal({ pod }, { address: a }, pr, po))));
      put(`${id} => ${g}`, sampledUnion(ps.map((pod) => (pr: Protocol, po: number) => oracle.allowedExternal({ address: a }, { pod }, pr, po))));
    }
  }
  return out;
}

/** computeReach at a level against the oracle: same pairs and ports, no self pair, sorted, no duplicates. */
export function reachProblems({ inventory, analysis, oracle }: Loaded, level: 'workload' | 'pod'): string[] {
  const groups = new Map<string, Pod[]>();
  for (const p of inventory.pods) {
    const g = level === 'pod' ? p.id : p.workload;
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  const r = computeReach(analysis, { level });
  const problems: string[] = [];
  const got = new Map<string, string>();
  for (const conn of r.connections) {
    if (conn.src === conn.dst) problems.push(`${conn.src} listed as reaching itself`);
    const k = `${conn.src} => ${conn.dst}${conn.condition === 'same-node' ? ' (same node)' : ''}`;
    if (got.has(k)) problems.push(`${k} listed twice`);
    got.set(k, sampled(hasOf(conn.conns)));
    const tail = tailProblem(conn.conns);
    if (tail) problems.push(`${k}: ${tail}`);
  }
  for (let i = 1; i < r.connections.length; i++) {
    const a = r.connections[i - 1]!;
    const b = r.connections[i]!;
    if (a.src > b.src || (a.src === b.src && (a.dst > b.dst || (a.dst === b.dst && (a.condition !== undefined || b.condition === undefined))))) problems.push(`connections not sorted: ${a.src} => ${a.dst} before ${b.src} => ${b.dst}`);
  }
  const ids = r.endpoints.filter((e) => e.kind !== 'External').map((e) => e.id);
  const want = [...groups.keys()].sort();
  if (ids.join('\n') !== want.join('\n')) problems.push(`cluster endpoints [${ids.join(', ')}], expected [${want.join(', ')}]`);
  const expected = expectedReach(analysis, oracle, groups);
  for (const k of new Set([...expected.keys(), ...got.keys()])) {
    if (expected.get(k) !== got.get(k)) problems.push(`${k}: reach [${got.get(k) ?? 'absent'}], oracle [${expected.get(k) ?? 'nothing'}]`);
  }
  return problems;
}

/** The reach JSON of a YAML text at a level, from a fresh load and analysis. */
export function reachJson(yaml: string, level: 'workload' | 'pod'): string {
  return JSON.stringify(computeReach(analyze(loadFromTexts([{ path: 'cluster.yaml', text: yaml }]).inventory), { level }));
}

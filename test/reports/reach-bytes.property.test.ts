// The packed byte writer of reach (reachBytes in src/reports/reach/stream.ts) against the whole-string
// reporters: on loaded clusters (outside blocks of both families with excepts, ports of every protocol,
// hostNetwork pods: connections "only from the same node", --from / --to), and on synthetic listings whose
// ids need JSON, CSV and terminal escapes (quotes, backslashes, C0 and C1 controls, U+2028, bidi
// overrides, lone surrogates, multi-byte UTF-8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFromTexts } from '../../src/sources/k8s/index.js';
import { analyze } from '../../src/engine/index.js';
import { computeReach, streamReach, type ReachOptions, type ReachResult } from '../../src/analyses/reach.js';
import { REACH_FORMATS } from '../../src/reports/reach/index.js';
import { BYTE_FORMATS, ChunkPool, reachBytes } from '../../src/reports/reach/stream.js';
import { terminalSafe } from '../../src/reports/safe-text.js';
import { notesOf } from '../../src/analyses/notes.js';
import { unpacked, type PackedListing, type PairRun, type ReachStream } from '../../src/analyses/reach.js';
import { externalEndpoint, type Endpoint } from '../../src/analyses/endpoints.js';
import { familyMax, rangeToCidrs, type Family, type IpRange } from '../../src/model/address.js';
import { PortSet } from '../../src/model/port-set.js';
import { reachChunks } from '../../src/reports/reach/stream.js';
import { lex } from '../../src/util/compare.js';
import { jsonLine } from '../../src/reports/json.js';
import { NO_NOTES } from '../../src/analyses/notes.js';

const seed = Number(process.env['BULKHEAD_PROPERTY_SEED'] ?? 20261202);
const scale = Number(process.env['BULKHEAD_PROPERTY_SCALE'] ?? 1);

const ODD = ['"', '\\', ',', '\n', '\u0085', '\u2028', '\u202e', '\u001b[2K', 'é', '\u{1f600}', ' '];
/** A DNS name (the loader drops others: odd ids are tested on a synthetic listing below). */
const nameArb = fc.constantFrom('a', 'b', 'web', 'db.x');
/** YAML double-quoted text with every control or non-ASCII character as an escape. */
function yq(s: string): string {
  const esc = (c: string): string => {
    if (c === '"' || c === '\\') return `\\${c}`;
    if (c >= ' ' && c <= '~') return c;
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  };
  return `"${[...s].map(esc).join('')}"`;
}

const peerArb = fc.oneof(
  fc.constantFrom('{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}', '{ipBlock: {cidr: 203.0.113.0/24}}', '{ipBlock: {cidr: "::/0", except: ["fd00::/8"]}}', '{ipBlock: {cidr: "2001:db8::/32"}}'),
  fc.constantFrom('{podSelector: {matchLabels: {app: a}}}', '{podSelector: {}}', '{namespaceSelector: {}}'),
);
const portArb = fc.constantFrom('{port: 80}', '{protocol: UDP, port: 53}', '{protocol: SCTP, port: 9000, endPort: 9010}', '{port: http}', '{protocol: TCP, port: 1000, endPort: 2000}');
const ruleArb = fc.record({ peers: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) });
const policyArb = fc.record({ app: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }), ingress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }), egress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }) });
const podArb = fc.record({ ns: nameArb, name: nameArb, app: fc.constantFrom('a', 'b'), host: fc.boolean(), node: fc.option(fc.constantFrom('n1', 'n2'), { nil: undefined }) });

function rules(rs: readonly { peers: readonly string[]; ports: readonly string[] }[], key: string): string {
  return `[${rs.map((r) => `{${[r.peers.length ? `${key}: [${r.peers.join(', ')}]` : '', r.ports.length ? `ports: [${r.ports.join(', ')}]` : ''].filter(Boolean).join(', ')}}`).join(', ')}]`;
}

type PodCase = typeof podArb extends fc.Arbitrary<infer T> ? T : never;
type PolicyCase = typeof policyArb extends fc.Arbitrary<infer T> ? T : never;

function clusterYaml(pods: readonly PodCase[], policies: readonly PolicyCase[]): string {
  const docs = pods.map((p, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${yq(`${p.name}-${i}`)}, namespace: ${yq(p.ns)}, labels: {app: ${p.app}}}\nspec: {${p.host ? 'hostNetwork: true, ' : ''}${p.node ? `nodeName: ${p.node}, ` : ''}containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n`);
  const namespaces = [...new Set(pods.map((p) => p.ns))];
  policies.forEach((q, i) => {
    const types = [q.ingress ? 'Ingress' : '', q.egress ? 'Egress' : ''].filter(Boolean);
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ${yq(namespaces[i % namespaces.length]!)}}\nspec:\n  podSelector: ${q.app ? `{matchLabels: {app: ${q.app}}}` : '{}'}\n  policyTypes: [${types.join(', ')}]\n${q.ingress ? `  ingress: ${rules(q.ingress, 'from')}\n` : ''}${q.egress ? `  egress: ${rules(q.egress, 'to')}\n` : ''}`,
    );
  });
  return docs.join('---\n');
}

/**
 * What the CLI writes for a reachBytes listing: strings made terminal-safe (text, csv), bytes as they are.
 * As text, so that failures read, but decoded from the bytes (a lone surrogate is U+FFFD once written).
 */
function written(parts: Iterable<string | Uint8Array>, json: boolean): string {
  return Buffer.concat([...parts].map((x) => (typeof x === 'string' ? Buffer.from(json ? x : terminalSafe(x)) : x))).toString();
}

/** The chunks copied as read, each byte chunk given back to its pool at once (as the CLI's sink does once written). */
function* recycled(parts: Iterable<string | Uint8Array>, pool?: ChunkPool): Generator<string | Uint8Array> {
  for (const x of parts) {
    if (typeof x === 'string') yield x;
    else {
      yield Buffer.from(x);
      pool?.give(x);
    }
  }
}

/** A listing written through a pool of 48-byte chunks, each given back as soon as it is read. */
function recycledListing(make: (pool: ChunkPool) => Iterable<string | Uint8Array>): (string | Uint8Array)[] {
  const pool = new ChunkPool(48);
  return [...recycled(make(pool), pool)];
}

/** A string as written to a file, read back. */
const asWritten = (s: string): string => Buffer.from(s).toString();

/** A reach document whose every endpoint and connection is one line of its own, in order (the layout grep wants). */
function oneALine(json: string): void {
  const doc = JSON.parse(json) as { endpoints: unknown[]; connections: unknown[] };
  const lines = json.split('\n');
  for (const key of ['endpoints', 'connections'] as const) {
    const at = lines.indexOf(`  "${key}": [`);
    doc[key].forEach((e, k) => assert.equal(lines[at + 1 + k]!.replace(/,$/, ''), `    ${jsonLine(e)}`, `${key}[${k}]`));
  }
}

test('property: reach bytes equal the whole-string reporters: both families, every protocol, the node rule, --from/--to', () => {
  let sameNode = 0;
  fc.assert(
    fc.property(fc.array(podArb, { minLength: 1, maxLength: 7 }), fc.array(policyArb, { maxLength: 4 }), fc.constantFrom<ReachOptions>({}, { from: '0.0.0.0/0' }, { to: '::/0' }, { from: 'a*/*' }), (pods, policies, filter) => {
      const loaded = loadFromTexts([{ path: 'c.yaml', text: clusterYaml(pods, policies) }]);
      const a = analyze(loaded.inventory);
      const notes = notesOf(loaded.inventory, loaded.diagnostics);
      for (const level of ['workload', 'pod'] as const) {
        const opts = { level, ...filter };
        let whole: ReachResult;
        try {
          whole = computeReach(a, opts);
        } catch {
          continue; // a --from/--to that matches nothing: the user's error, tested elsewhere
        }
        if (whole.connections.some((c) => c.condition)) sameNode++;
        for (const f of BYTE_FORMATS) {
          const want = REACH_FORMATS[f](whole, notes);
          const got = written(reachBytes(streamReach(a, opts), f, notes)!, f === 'json');
          assert.equal(got, f === 'json' ? want : terminalSafe(want), `${f} at ${level} level`);
          if (f === 'json') oneALine(got);
          // Tiny chunks, each handed back as soon as it is read: the next ones are filled in its memory.
          assert.equal(written(recycledListing((pool) => reachBytes(streamReach(a, opts), f, notes, undefined, pool)!), f === 'json'), got, `${f} at ${level} level, recycled chunks`);
        }
      }
      // The outside columns of a row alone (the listings of outside ends read only those) are rowInto's.
      const m = a.matrix;
      const X = m.blocks.length;
      const full = new Uint32Array(m.size + X);
      const part = new Uint32Array(m.size + X);
      for (let b = 0; b < m.size; b++) {
        m.rowInto(b, full);
        part.fill(0xdead);
        m.blocksInto(b, part);
        assert.deepEqual(part.subarray(m.size), full.subarray(m.size), `blocksInto(${b})`);
      }
    }),
    { seed, numRuns: Math.max(1, Math.round(120 * scale)) },
  );
  // The generator reaches the cases it is for.
  assert.ok(sameNode > 0, 'some listing has connections only from the same node');
});

test('reach bytes: a listing of many pairs comes in chunks of a few MiB, never as one piece', () => {
  const pods = Array.from({ length: 900 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns}\nspec: {containers: [{name: c}]}\n`).join('---\n');
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: pods }]).inventory);
  const parts = [...reachBytes(streamReach(a), 'json')!];
  const sizes = parts.filter((x) => typeof x !== 'string').map((x) => x.length);
  assert.ok(sizes.length >= 2, `several chunks (${sizes.length})`);
  assert.ok(Math.max(...sizes) <= 1 << 22);
  assert.equal(written(parts, true), REACH_FORMATS.json(computeReach(a)));
});

test('reach bytes: a chunk not given back is never written over, and a given one is filled again', () => {
  const pods = Array.from({ length: 60 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns}\nspec: {containers: [{name: c}]}\n`).join('---\n');
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: pods }]).inventory);
  const pool = new ChunkPool(4096);
  const held: { view: Uint8Array; copy: Buffer }[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let reused = 0;
  let k = 0;
  for (const x of reachBytes(streamReach(a), 'json', NO_NOTES, undefined, pool)!) {
    if (typeof x === 'string') continue;
    if (buffers.has(x.buffer)) reused++;
    buffers.add(x.buffer);
    // Every other chunk is kept (a pipe still holding it), the rest given back.
    if (k++ % 2 === 0) held.push({ view: x, copy: Buffer.from(x) });
    else pool.give(x);
  }
  assert.ok(held.length >= 3 && reused > 0, `chunks kept ${held.length}, reused ${reused}`);
  for (const h of held) assert.ok(Buffer.from(h.view).equals(h.copy), 'a chunk not given back is unchanged');
});

// Endpoint ids no loader lets through (names are DNS names), straight into a packed listing: the pieces
// must escape whatever an id holds, as the plain serializers do.
const PORTS = [PortSet.NONE, PortSet.ALL, PortSet.of('TCP', 80), PortSet.of('UDP', 53), PortSet.of('SCTP', 9000, 9010), PortSet.of('TCP', 80).union(PortSet.of('UDP', 53)), PortSet.allOf('TCP')];
const ALL = 1;
/** Each family cut in three around a /8, as policies naming `::/0 except fd00::/8` would cut it. */
function blocks(): IpRange[] {
  const cut = (family: Family, lo: bigint, hi: bigint): IpRange[] => [
    { family, lo: 0n, hi: lo - 1n },
    { family, lo, hi },
    { family, lo: hi + 1n, hi: familyMax(family) },
  ];
  const v6 = (b: bigint): bigint => b << 120n;
  return [...cut(4, 10n << 24n, (11n << 24n) - 1n), ...cut(6, v6(0xfdn), v6(0xfen) - 1n)];
}
const idArb = fc.array(fc.constantFrom('a', 'z', '/', '[Pod]', ...ODD, '\u0000', '\u007f', '\ud800', '\u{10ffff}'), { minLength: 1, maxLength: 5 }).map((p) => p.join(''));

/** A listing as streamReach makes one: runs by source, destinations in id order, ends packed. */
function syntheticStream(ids: readonly string[], cells: readonly number[], sameNode: readonly boolean[], withPacked: boolean): ReachStream {
  const cluster: Endpoint[] = ids.map((id) => ({ id, kind: 'Pod' }));
  const outside = blocks().map((range) => externalEndpoint({ range }).endpoint);
  const all = [...cluster, ...outside].sort((x, y) => lex(x.id, y.id));
  const ends = all.map((e) => e.id);
  const runsOf = function* (outsideOnly: boolean): Generator<PairRun> {
    let c = 0;
    for (const s of all) {
      const dst: number[] = [];
      const conn: number[] = [];
      const same: number[] = [];
      all.forEach((d, k) => {
        if (d === s || (s.kind === 'External' && d.kind === 'External')) return;
        const i = c++;
        if (outsideOnly && s.kind !== 'External' && d.kind !== 'External') return;
        const id = cells[i % cells.length]!;
        if (id !== 0) (dst.push(k), conn.push(id), same.push(0));
        if (s.kind !== 'External' && d.kind !== 'External' && sameNode[i % sameNode.length] && id !== ALL) (dst.push(k), conn.push(ALL), same.push(1));
      });
      if (dst.length) yield { src: s.id, n: dst.length, dst: Int32Array.from(dst), conn: Uint32Array.from(conn), sameNode: Uint8Array.from(same) };
    }
  };
  const packed = (outsideOnly = false): PackedListing => ({ ends, ports: (id) => PORTS[id]!, runs: () => runsOf(outsideOnly) });
  const used = new Set([...unpacked(packed())].flatMap((c) => [c.src, c.dst]));
  return {
    level: 'pod',
    endpoints: [...cluster, ...outside.filter((e) => used.has(e.id))],
    outsideSpace: blocks().flatMap(rangeToCidrs),
    connections: () => unpacked(packed()),
    outsideConnections: () => unpacked(packed(true)),
    count: () => [...unpacked(packed())].length,
    ...(withPacked ? { packed } : {}),
  };
}

test('property: reach bytes escape any endpoint id as the plain serializers do, outside blocks of both families merged alike', () => {
  fc.assert(
    fc.property(fc.uniqueArray(idArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(PORTS.length - 1), { minLength: 1, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }), (ids, cells, same) => {
      const fast = syntheticStream(ids, cells, same, true);
      const plain = syntheticStream(ids, cells, same, false);
      const whole = { level: plain.level, endpoints: plain.endpoints, outsideSpace: plain.outsideSpace!, connections: [...plain.connections()] };
      for (const f of BYTE_FORMATS) {
        const got = written(reachBytes(fast, f)!, f === 'json');
        // The old path whole: the plain merge (mergeOutside) and serializer; and streamed without packed runs.
        assert.equal(got, asWritten(f === 'json' ? REACH_FORMATS[f](whole, NO_NOTES) : terminalSafe(REACH_FORMATS[f](whole, NO_NOTES))), `${f} against the whole-string reporter`);
        assert.equal(got, asWritten(f === 'json' ? [...reachChunks(plain, f)].join('') : terminalSafe([...reachChunks(plain, f)].join(''))), `${f} against the string chunks`);
        if (f === 'json') JSON.parse(got);
      }
      assert.equal(reachBytes(plain, 'json'), undefined, 'a listing without packed runs has no byte path');
      // The merged stream counts and names the outside as the plain merge does.
      assert.deepEqual([...reachChunks(fast, 'md')].join(''), [...reachChunks(plain, 'md')].join(''));
    }),
    { seed, numRuns: Math.max(1, Math.round(300 * scale)) },
  );
});

test('reach bytes: the head and endpoints come in chunks of about 64 KiB, not a write per endpoint', () => {
  const pods = Array.from({ length: 2000 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns, labels: {app: a${i}}}\nspec: {containers: [{name: c}]}\n`);
  const a = analyze(loadFromTexts([{ path: 'c.yaml', text: pods.join('---\n') }]).inventory);
  const parts = [...reachBytes(streamReach(a, { level: 'workload' }), 'json')!];
  const head = parts.slice(0, parts.findIndex((x) => typeof x !== 'string'));
  const text = head.join('');
  assert.ok(text.length > 200_000, 'the endpoints are in the head');
  assert.ok(head.length <= Math.ceil(text.length / 65536) + 1, `${head.length} pieces for ${text.length} characters`);
});

/**
 * The bench's whole-command rows (bench/commands.ts): at size S, one run each, every row produces
 * figures from the built CLI; the changed copies change what they claim to; the hand-shaped intent is a
 * valid intent whose invariants the generated policies break; ratios and target statuses print right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFromTexts } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { streamReach } from '../src/analyses/reach.js';
import { drift, loadIntent } from '../src/analyses/intent/index.js';
import { generateCluster, SIZES, teamNamespaces } from '../bench/generate.js';
import { handIntent } from '../bench/hand-intent.js';
import { ratio } from '../bench/ratio.js';
import { commandTable, exitFailure, reachHasNamespaceLevel, ROW_LABELS, ROWS, runCommandRows, targetStatus, withOnePolicyChanged, withWorkloadsRelabelled } from '../bench/commands.js';

test('every command row runs at size S and yields wall time, CPU time, peak RSS and its output size', () => {
  const s = runCommandRows({ size: 'S', runs: 1 });
  const nsLevel = reachHasNamespaceLevel();
  for (const id of ROWS) {
    const row = s.rows[id];
    if (id === 'reach-namespace' && !nsLevel) {
      assert.ok(row.skipped, 'without --level namespace the row says it is skipped');
      continue;
    }
    assert.equal(row.error, undefined, `${id}: ${row.error}`);
    const m = row.median!;
    assert.ok(m['wallMs']! > 0 && m['cpuMs']! > 0 && m['rssMiB']! > 10, `${id}: ${JSON.stringify(m)}`);
    assert.ok(m['bytes']! > 0, `${id} wrote nothing`);
  }
  assert.ok(s.rows.init.median!['segments']! > 0 && s.rows.init.median!['flows']! > 0);
  assert.ok(s.loadAvgEnd >= 0 && s.pods > 0);
  // The table has a line per row, and a second run's figures are printed with their ratio to the first.
  const table = commandTable([s], { S: s });
  for (const id of ROWS) if (!s.rows[id].skipped) assert.ok(table.includes(ROW_LABELS[id]), `${id} is in the table`);
  assert.match(table, / 1\.00×/);
  // The targets go by the size's name: L (9,968 generated pods) is judged against ≤ 2 s.
  const asL = commandTable([{ ...s, size: 'L', pods: 9968 }]);
  assert.match(asL, /≤ 2\.00 s\s+(pass|pass on CPU|FAIL)/);
  // The cross-layer row (cluster and AWS_S with its nodes tagged) by issue 10's target.
  assert.match(asL.split('\n').find((l) => l.includes(ROW_LABELS['reach-cross']))!, /≤ 10\.0 s, 2 GiB\s+(pass|pass on CPU|FAIL)/);
  assert.ok(s.rows['reach-cross'].command.includes(' aws-s -o json'), s.rows['reach-cross'].command);
});

test('the changed copies: one policy widened, 1% of team workloads (at least one) relabelled', () => {
  const text = generateCluster(SIZES.M, 1).files[0]!.text;
  const docs = text.split('---\n');
  const changed = withOnePolicyChanged(text).split('---\n');
  const differing = docs.flatMap((d, i) => (d === changed[i] ? [] : [d]));
  assert.equal(differing.length, 1);
  assert.match(differing[0]!, /kind: NetworkPolicy/);
  const { text: relabelled, relabelled: n } = withWorkloadsRelabelled(text);
  const after = relabelled.split('---\n');
  const moved = docs.filter((d, i) => d !== after[i]);
  const teamWorkloads = docs.filter((d) => /^kind: (Deployment|StatefulSet|DaemonSet)$/m.test(d) && /^ {2}namespace: team/m.test(d)).length;
  assert.equal(n, Math.round(teamWorkloads / 100));
  assert.equal(moved.length, n);
  // The relabelling changes what the policies select: the engine sees other connections.
  const before = analyze(loadFromTexts([{ path: 'a.yaml', text }]).inventory);
  const later = analyze(loadFromTexts([{ path: 'b.yaml', text: relabelled }]).inventory);
  const listing = (x: typeof before): string => [...streamReach(x, { level: 'workload' }).connections()].map((c) => `${c.src}>${c.dst}:${c.conns.toString()}`).join('\n');
  assert.notEqual(listing(later), listing(before));
});

test('the hand-shaped intent is valid, has a few hundred segments at XL, and the generated policies break its invariants', () => {
  const xl = handIntent(SIZES.XL);
  const intentXl = loadIntent('hand.yaml', xl.text);
  assert.equal(intentXl.segments.length, xl.segments);
  assert.ok(xl.segments >= 200 && xl.segments < 1000, `${xl.segments} segments`);
  assert.ok(intentXl.invariants.some((i) => i.kind === 'never') && intentXl.invariants.some((i) => i.kind === 'isolated'));
  // Every namespace of the cluster is some segment's: nothing unmapped at M.
  const m = generateCluster(SIZES.M, 1);
  const a = analyze(loadFromTexts(m.files).inventory);
  const d = drift(a, loadIntent('hand.yaml', handIntent(SIZES.M).text));
  assert.equal(d.unmapped.length, 0);
  assert.ok(d.breaches.length > 0, 'cross-team rules and open namespaces break tenant isolation or dev-never-prod');
  assert.equal(teamNamespaces(SIZES.XXL).namespaces.length, 600);
});

test('ratio and target status', () => {
  assert.equal(ratio(105, 100), ' 1.05×');
  assert.equal(ratio(1, undefined), '');
  assert.equal(ratio(5, 0), '');
  assert.equal(ratio(2000, 100), ' 20×');
  assert.equal(targetStatus(SIZES.L, { wallMs: 1500, cpuMs: 1400, rssMiB: 100 }), 'pass');
  assert.equal(targetStatus(SIZES.L, { wallMs: 3000, cpuMs: 1400, rssMiB: 100 }), 'pass on CPU');
  assert.equal(targetStatus(SIZES.XL, { wallMs: 3000, cpuMs: 1400, rssMiB: 3000 }), 'FAIL');
  assert.equal(targetStatus(SIZES.XXL, { wallMs: 11_000, cpuMs: 10_500, rssMiB: 100 }), 'FAIL');
  assert.equal(targetStatus(SIZES.S, { wallMs: 11_000, cpuMs: 10_500, rssMiB: 100 }), '');
  assert.equal(targetStatus(SIZES.L, { wallMs: 3000, cpuMs: 1400, rssMiB: 100 }, 'reach-cross'), 'pass');
  assert.equal(targetStatus(SIZES.L, { wallMs: 3000, cpuMs: 1400, rssMiB: 2100 }, 'reach-cross'), 'FAIL');
});

test('a command counts as failed on a crash, exit 2 or no output; exit 1 of audit or diff is findings', () => {
  assert.equal(exitFailure('audit', 1, 'WARN: 3 warnings', true), undefined);
  assert.equal(exitFailure('diff', 0, '', true), undefined);
  assert.match(exitFailure('audit', 1, 'TypeError: x\n    at f (file:///a.js:1:2)', true)!, /exit code 1/);
  assert.match(exitFailure('init', 1, 'Error: ENOENT', true)!, /exit code 1/);
  assert.match(exitFailure('audit', 2, 'bulkhead: invalid intent file', true)!, /invalid intent/);
  assert.match(exitFailure('reach', 0, '', false)!, /no output/);
});

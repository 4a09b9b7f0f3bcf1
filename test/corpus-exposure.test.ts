// Exposure beyond the input against np-guard/netpol-analyzer's `--exposure` outputs (txt): every line of their
// "Exposure Analysis Result" section that names a cluster peer (entire-cluster, or a representative peer such
// as `backend/[all pods]`) must be one of ours with the same connections, and ours must have no other.
// Their `[External]` lines repeat the connection list, which test/corpus-netpol-analyzer.test.ts compares.
// Cases the main harness skips (multi-network, Ingress/Route) are skipped here too, and so are inputs with
// AdminNetworkPolicies or a BaselineAdminNetworkPolicy: exposure beyond the input is computed from NetworkPolicy
// alone, and each such entry names the admin and baseline policies it does not apply (docs/layers.md).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromPaths } from '../src/sources/k8s/index.js';
import { analyze } from '../src/engine/index.js';
import { computeExposure, exposureConnsText, exposurePeerText } from '../src/analyses/exposure.js';
import { parseConnSet } from './corpus/conns.js';
import { CorpusRunner, focusConn, focusMatches, loadCases } from './corpus/run-case.js';

const ROOT = fileURLToPath(new URL('../../../shared/corpus/netpol-analyzer/', import.meta.url));

/** Case id -> why we differ (docs/peer-differences.md, "Exposure"). A new difference fails, so does a fixed one. */
const KNOWN_DIFFERENCES: ReadonlyMap<number, string> = new Map([]);

/** Compared exposure cases that agree today; may grow, never shrink. */
const MIN_AGREEING = 44;

/** "endpoint arrow peer" -> connections, normalized (numbers as a PortSet key, named ports as written). */
type Lines = Map<string, string>;

function norm(conns: string): string {
  // Named ports ("TCP http") cannot be a PortSet: compare their text, numbers by meaning.
  const parts = conns.split(',').map((p) => p.trim());
  const named = parts.filter((p) => /^(TCP|UDP|SCTP) [a-z][-a-z0-9]*$/i.test(p) || /^[a-z][-a-z0-9]*$/i.test(p));
  const rest = parts.filter((p) => !named.includes(p)).join(',');
  return `${rest ? parseConnSet(rest).key() : ''}|${named.sort().join(',')}`;
}

function theirs(text: string): Lines {
  const out: Lines = new Map();
  const at = text.indexOf('Exposure Analysis Result:');
  if (at < 0) return out;
  for (const line of text.slice(at).split('\n')) {
    const m = /^(\S+)\s*\t(=>|<=) \t(.+) : (.+)$/.exec(line);
    if (!m || m[3]!.endsWith('[External]')) continue;
    out.set(`${m[1]} ${m[2]} ${m[3]}`, norm(m[4]!));
  }
  return out;
}

if (!existsSync(ROOT)) {
  test('netpol-analyzer exposure agreement', { skip: `netpol-analyzer corpus not found at ${ROOT}` }, () => {});
} else {
  const runner = new CorpusRunner(ROOT);
  const cases = loadCases(ROOT).filter((c) => c.kind === 'list' && c.exposure && !c.explain && c.format === 'txt' && c.expected);
  test('netpol-analyzer corpus: exposure sections (txt)', async (t) => {
    let agree = 0;
    let compared = 0;
    let tiered = 0;
    for (const c of cases) {
      const o = await runner.run(c);
      if (o.status === 'skip') continue;
      const { inventory } = await loadFromPaths([join(ROOT, 'tests', c.dirs[0]!)]);
      if ((inventory.adminPolicies ?? []).length > 0) {
        tiered++;
        continue;
      }
      compared++;
      const a = analyze(inventory);
      const focus = c.focus_workloads ?? [];
      const dir = c.focus_direction ?? '';
      const ports = c.focus_conn ? focusConn(c.focus_conn) : undefined;
      const mine: Lines = new Map();
      for (const x of computeExposure(a, { level: 'workload' })) {
        if (focus.length > 0 && !focus.some((f) => focusMatches(x.endpoint, f))) continue;
        if ((dir === 'ingress' && x.direction === 'egress') || (dir === 'egress' && x.direction === 'ingress')) continue;
        const conns = ports ? { conns: x.conns.intersect(ports), namedPorts: [] } : x;
        if (conns.conns.isEmpty() && conns.namedPorts.length === 0) continue;
        mine.set(`${x.endpoint} ${x.direction === 'ingress' ? '<=' : '=>'} ${exposurePeerText(x.peer)}`, norm(exposureConnsText(conns)));
      }
      const want = theirs(readFileSync(join(ROOT, c.expected!), 'utf8'));
      const diff = [...new Set([...want.keys(), ...mine.keys()])].filter((k) => want.get(k) !== mine.get(k)).map((k) => `${k}: theirs ${want.get(k) ?? 'absent'}, ours ${mine.get(k) ?? 'absent'}`);
      if (diff.length === 0) agree++;
      await t.test(`#${c.id} ${c.expected}`, () => {
        const known = KNOWN_DIFFERENCES.get(c.id);
        if (diff.length > 0) assert.ok(known, `new exposure disagreement: ${diff.slice(0, 4).join('; ')}`);
        else assert.equal(known, undefined, `case now agrees: remove it from KNOWN_DIFFERENCES (was: ${known})`);
      });
    }
    console.log(`# netpol-analyzer exposure: ${agree} of ${compared} compared txt cases agree (${cases.length - compared} skipped, ${tiered} of them with admin or baseline policies)`);
    assert.ok(agree >= MIN_AGREEING, `only ${agree} exposure cases agree (was ${MIN_AGREEING})`);
  });
}

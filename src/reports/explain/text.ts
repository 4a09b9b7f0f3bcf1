import type { Explanation } from '../../analyses/explain.js';
import type { SideExplanation } from '../../engine/k8s/explain-side.js';
import { formatSource } from '../../inventory/types.js';
import { IntervalSet } from '../../model/interval-set.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { exposureCaveatText, exposureConnsText, exposurePeerText } from '../../analyses/exposure.js';
import type { StageStep } from '../../engine/tiers/verdict.js';

const STAGE: Record<StageStep['stage'], string> = { 'k8s-admin': 'ANP', 'k8s-networkpolicy': 'NetworkPolicy', 'k8s-baseline': 'BANP', default: 'default' };
const DECISION: Record<StageStep['decision'], string> = { accept: 'Allow', deny: 'Deny', pass: 'Pass' };

/** One stage as people read it: `ANP allow-monitoring (priority 10) rule #2 name: Pass (file:line)`. */
export function stageText(st: StageStep): string {
  if (st.rule) {
    const r = st.rule;
    const kind = r.kind === 'ClusterNetworkPolicy' ? `CNP ${st.stage === 'k8s-admin' ? 'Admin' : 'Baseline'}` : STAGE[st.stage];
    const prio = r.kind === 'BaselineAdminNetworkPolicy' ? '' : ` (priority ${r.priority})`;
    return `${kind} ${r.policy}${prio} ${r.direction} rule #${r.rule}${r.name ? ` ${r.name}` : ''}: ${DECISION[st.decision]} (${formatSource(r.source)})`;
  }
  if (st.stage === 'k8s-networkpolicy') {
    if (st.decision === 'pass') return 'NetworkPolicy: none isolates it, Pass';
    return `NetworkPolicy ${(st.policies ?? []).join(', ')}: ${DECISION[st.decision]}${st.source ? ` (${formatSource(st.source)})` : ''}`;
  }
  if (st.stage === 'default') return st.policies?.length ? `${st.policies.join(', ')}: Allow` : 'default: Allow';
  return `${STAGE[st.stage]}: no rule matches, Pass`;
}

function side(title: string, s: SideExplanation): string[] {
  const verdict = s.allowed.isEmpty() ? 'denies everything' : s.allowed.isAll() ? 'allows everything' : `allows ${s.allowed.toString()}`;
  const out = [`  ${title}: ${verdict}`];
  if (!s.isolated || s.rules.length === 0 || s.allowed.isEmpty()) out.push(`    ${s.reason}`);
  if (s.nodeRule === 'same-node') out.push('    the node rule: the source uses hostNetwork on this pod\'s node, and a pod always admits its own node');
  if (s.nodeRule === 'possibly-same-node') out.push('    the node rule: the source uses hostNetwork; if it runs on this pod\'s node, everything is admitted (the input does not say)');
  if (s.selectedBy.length) {
    out.push(`    isolated by ${s.selectedBy.map((p) => `${p.policy} (${formatSource(p.source)})`).join(', ')}`);
  }
  for (const r of s.rules) {
    const what = r.ports.isEmpty() ? 'admits no port of it' : `admits ${r.ports.toString()}`;
    const via = r.peer ? `peer #${r.peer} "${r.peerText}" (${formatSource(r.peerSource)})` : `"${r.peerText}"`;
    out.push(`    ${r.policy} ${r.direction} rule #${r.rule} (${formatSource(r.source)}) ${what} via ${via}`);
  }
  return out;
}

/** Human-readable explanation: verdict, per-range table, then each side's reasons with file:line. */
export function explainText(e: Explanation, notes: Notes = NO_NOTES): string {
  const out: string[] = [];
  const caveats = notesText(notes);
  if (caveats) out.push(caveats.trimEnd(), '');
  const q = e.queried.isAll() ? '' : ` on ${e.queried.toString()}`;
  out.push(`${e.from.id} => ${e.to.id}${q}: ${e.verdict.toUpperCase()}${e.verdict === 'allowed' ? ` (${e.conns.toString()})` : ''}`);
  if (e.sameNode) out.push(`only from the same node: ${e.sameNode.toString()}`);
  out.push('');
  out.push('Port ranges:');
  for (const r of e.ranges) {
    const ports = IntervalSet.range(r.ports[0], r.ports[1]).toString();
    const why: string[] = [];
    why.push(`egress ${r.egress}${r.egressRules.length ? ` by ${r.egressRules.join(', ')}` : ''}`);
    why.push(`ingress ${r.ingress}${r.ingressRules.length ? ` by ${r.ingressRules.join(', ')}` : ''}`);
    if (r.chain) {
      // `→` is "then": the stages a packet meets in order (admin tier, NetworkPolicy, baseline), not a connection (`=>`).
      out.push(`  ${r.protocol} ${ports}: ${r.verdict}`);
      out.push(`    egress:  ${r.chain.egress.map(stageText).join(' → ')}`);
      out.push(`    ingress: ${r.chain.ingress.map(stageText).join(' → ')}`);
    } else out.push(`  ${r.protocol} ${ports}: ${r.verdict} (${why.join('; ')})`);
  }
  out.push('');
  out.push('Why:');
  // With admin or baseline policies, NetworkPolicy is one stage of several: each direction in stage order.
  const np = e.tiers ? 'NetworkPolicy at the ' : '';
  const tierLines = (dir: 'egress' | 'ingress', layer: 'kubernetes-admin' | 'kubernetes-baseline', who: string, npSide: SideExplanation): void => {
    for (const t of e.tiers ?? []) {
      if (t.direction !== dir || t.layer !== layer) continue;
      const stage = layer === 'kubernetes-admin' ? 'k8s-admin' : 'k8s-baseline';
      const skipped = layer === 'kubernetes-baseline' && npSide.isolated ? ' (not consulted: a NetworkPolicy isolates this direction)' : '';
      out.push(`  ${layer === 'kubernetes-admin' ? 'admin' : 'baseline'} tier at the ${dir} of ${who}${skipped}:`);
      for (const st of t.steps) out.push(`    ${st.ports.toString()}: ${stageText({ stage, direction: dir, decision: st.rule.action, rule: st.rule })}`);
    }
  };
  tierLines('egress', 'kubernetes-admin', e.from.id, e.layers[0]!);
  out.push(...side(`${np}egress of ${e.from.id}`, e.layers[0]!));
  tierLines('egress', 'kubernetes-baseline', e.from.id, e.layers[0]!);
  tierLines('ingress', 'kubernetes-admin', e.to.id, e.layers[1]!);
  out.push(...side(`${np}ingress of ${e.to.id}`, e.layers[1]!));
  tierLines('ingress', 'kubernetes-baseline', e.to.id, e.layers[1]!);
  if (e.exposure.length > 0) {
    out.push('Also open beyond the input (peers the input does not show, see reach --exposure):');
    for (const x of e.exposure) out.push(`  ${x.endpoint} ${x.direction === 'ingress' ? '<=' : '=>'} ${exposurePeerText(x.peer)} : ${exposureConnsText(x)}${exposureCaveatText(x)}${x.rules.length ? ` (${x.rules.join(', ')})` : ''}`);
  }
  for (const n of e.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

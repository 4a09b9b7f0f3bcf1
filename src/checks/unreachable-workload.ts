import { NONE_ID, type Target } from '../engine/index.js';
import { PortSet } from '../model/port-set.js';
import { PCI_1_2_7 } from './controls.js';
import { defineCheck } from './types.js';
import { selectableWorkloads, workloadRef } from './util.js';

export default defineCheck({
  meta: {
    id: 'unreachable-workload',
    category: 'hygiene',
    severity: 'warning',
    title: 'Workload nothing can reach',
    docs: 'docs/checks.md#unreachable-workload',
    controls: [PCI_1_2_7],
    remediation:
      'Allow ingress from the workload\'s clients on the ports it serves (and egress from them to it, when their egress is isolated), or drop the container ports it does not serve.',
    messages: {
      unreachable: '{{workload}} declares {{ports}}, but no pod of another workload and no address outside the cluster may connect to it on them (ingress isolated by {{policies}}): its clients are cut off',
    },
  },
  check(ctx) {
    const a = ctx.analysis;
    const layer = a.layer;
    const m = a.matrix;
    const blocks = m.blocks.length;
    // The one workload whose pods make up a class (undefined: no pod; null: several workloads): "has a pod of
    // another workload" is then a comparison, not a walk of the class's pods for every candidate of every workload.
    const sole = layer.classes.map((k): string | null | undefined => {
      const w = k.pods[0]?.workload;
      if (w === undefined) return undefined;
      return k.pods.every((p) => p.workload === w) ? w : null;
    });
    // Per candidate list (a rule's peer list, shared by every class it applies to; or every class): one or two
    // classes per behaviour, enough that for any workload one of them has a pod of another workload when any
    // class of that behaviour has. A workload then asks once per behaviour without walking the whole list.
    const reps = new Map<readonly number[], number[][]>();
    const represent = (list: readonly number[]): number[][] => {
      let r = reps.get(list);
      if (r) return r;
      const byB = new Map<number, number[]>();
      for (const s of list) {
        const w = sole[s];
        if (w === undefined) continue;
        const b = m.behaviourOf[s]!;
        const l = byB.get(b);
        if (!l) {
          byB.set(b, [s]);
          continue;
        }
        // Enough: one class of several workloads, or two of distinct sole workloads (one differs from any workload).
        if (l.length === 2 || sole[l[0]!] === null) continue;
        if (w === null) l[0] = s;
        else if (w !== sole[l[0]!]) l.push(s);
      }
      reps.set(list, (r = [...byB.values()]));
      return r;
    };
    const everyClass = layer.classes.map((k) => k.index);
    for (const { workload, classes } of selectableWorkloads(a)) {
      // Replicas declare the same ports: union each distinct one once.
      const distinct = new Map<string, PortSet>();
      for (const p of a.podsOf(workload.id)) for (const cp of p.ports) distinct.set(`${cp.protocol}/${cp.port}`, PortSet.of(cp.protocol, cp.port));
      if (distinct.size === 0) continue;
      const declared = [...distinct.values()].reduce((x, y) => x.union(y), PortSet.NONE);
      const reachable = classes.some((c) => {
        // Not isolated: outside addresses reach it on everything. Isolated: only what its rules admit can.
        if (!layer.isolated('ingress', c)) return true;
        const dst: Target = { kind: 'class', index: c };
        const d = m.behaviourOf[c]!;
        const want = a.intern(declared);
        for (let x = 0; x < blocks; x++) if (a.ports.meet(m.fromBlock(x, d), want) !== NONE_ID) return true;
        // Peer classes of one behaviour get the same answer: ask once per behaviour.
        const asked = new Set<number>();
        // Admin and baseline rules may admit anyone: then every class is a candidate source.
        const candidates = a.tiers?.touches('ingress', c) ? [everyClass] : layer.classRules.ingress[c]!.map((r) => r.peerList);
        for (const peerList of candidates) {
          for (const group of represent(peerList)) {
            const s = group.find((k) => sole[k] !== workload.id);
            if (s === undefined) continue;
            const b = m.behaviourOf[s]!;
            if (asked.has(b)) continue;
            asked.add(b);
            if (a.ports.meet(a.allowedId({ kind: 'class', index: s }, dst), want) !== NONE_ID) return true;
          }
        }
        return false;
      });
      if (reachable) continue;
      const policies = [...new Set(classes.flatMap((c) => layer.selecting.ingress[c]!.map((p) => p.id)))].sort();
      ctx.report({
        messageId: 'unreachable',
        data: { workload: workload.id, ports: declared.toString(), policies: policies.join(', ') },
        resource: workloadRef(workload),
        ...(workload.source ? { location: workload.source } : {}),
      });
    }
  },
});

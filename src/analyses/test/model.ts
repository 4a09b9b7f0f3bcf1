/** The model's verdict on a check, and the rule that decides it (from the engine's explanation). */
import type { Analysis, Target } from '../../engine/index.js';
import type { SideExplanation } from '../../engine/k8s/explain-side.js';
import { formatSource, type SourceRef } from '../../inventory/types.js';
import { parseIp } from '../../model/address.js';
import { PortSet } from '../../model/port-set.js';
import { explain } from '../explain.js';
import type { Check, CheckEnd, ModelVerdict } from './types.js';

function target(a: Analysis, e: CheckEnd): Target {
  if (e.pod) return { kind: 'class', index: a.classOf(e.pod) };
  const ip = parseIp(e.address!)!;
  return { kind: 'address', range: { family: ip.family, lo: ip.value, hi: ip.value } };
}

/** Is the check's connection allowed by the model? */
export function modelAllows(a: Analysis, c: Check): boolean {
  return a.allowed(target(a, c.from), target(a, c.to)).has(c.protocol, c.port);
}

/** The model's verdict and the deciding rule, in words with file:line. */
export function modelVerdict(a: Analysis, c: Check): ModelVerdict {
  const ports = PortSet.of(c.protocol, c.port);
  const e = explain(a, c.from.pod ?? c.from.address!, c.to.pod ?? c.to.address!, ports);
  const [egress, ingress] = e.layers as [SideExplanation, SideExplanation];
  const eOk = egress.allowed.has(c.protocol, c.port);
  const iOk = ingress.allowed.has(c.protocol, c.port);
  const admitting = (s: SideExplanation): string[] =>
    s.rules.filter((r) => r.ports.has(c.protocol, c.port)).map((r) => `${r.policy} ${r.direction} rule #${r.rule} (${formatSource(r.source)})`);
  const firstSource = (s: SideExplanation): SourceRef | undefined => s.rules.find((r) => r.ports.has(c.protocol, c.port))?.source ?? s.selectedBy[0]?.source;
  if (eOk && iOk) {
    const parts: string[] = [];
    for (const s of [egress, ingress]) {
      const rules = admitting(s);
      if (rules.length) parts.push(`${s.direction} by ${rules.join(', ')}`);
    }
    const src = firstSource(ingress) ?? firstSource(egress);
    return {
      verdict: 'allow',
      rule: parts.length ? `allowed: ${parts.join('; ')}` : 'allowed: no NetworkPolicy isolates either side',
      ...(src ? { ruleSource: src } : {}),
    };
  }
  // Denied: name the side(s) that deny, each with the policies that isolate it.
  const parts: string[] = [];
  let src: SourceRef | undefined;
  for (const [s, ok, name] of [
    [egress, eOk, c.from.id],
    [ingress, iOk, c.to.id],
  ] as const) {
    if (ok) continue;
    const isolated = s.selectedBy.map((p) => `${p.policy} (${formatSource(p.source)})`).join(', ');
    const matched = s.rules.length ? `; ${s.rules.length} rule(s) match the peer but none admits ${c.protocol}/${c.port}` : `; no ${s.direction} rule matches ${s.direction === 'egress' ? c.to.id : c.from.id}`;
    parts.push(`${s.direction} of ${name} isolated by ${isolated}${matched}`);
    src ??= s.selectedBy[0]?.source;
  }
  return { verdict: 'deny', rule: `denied: ${parts.join('; and ')}`, ...(src ? { ruleSource: src } : {}) };
}

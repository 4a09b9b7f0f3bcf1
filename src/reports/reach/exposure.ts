/** The exposure section of reach (reach --exposure), in netpol-analyzer's layout and as JSON. */
import type { ReachResult } from '../../analyses/reach.js';
import { exposureCaveatText, exposureConnsText, exposurePeerText, type Exposure, type ExposurePeer } from '../../analyses/exposure.js';

/** `Exposure Analysis Result:` then the egress (`=>`) and ingress (`<=`) lines, endpoints aligned. */
export function exposureText(r: ReachResult): string {
  const x = r.exposure;
  if (!x) return '';
  if (x.wholeCluster) return '\nExposure Analysis Result:\nnone beyond the input: the settings say it is the whole cluster (input.wholeCluster)\n';
  if (x.items.length === 0) return '\nExposure Analysis Result:\nnone beyond the input\n';
  const width = Math.max(...x.items.map((e) => e.endpoint.length));
  const out: string[] = ['', 'Exposure Analysis Result:'];
  for (const [direction, title, arrow] of [['egress', 'Egress Exposure:', '=>'], ['ingress', 'Ingress Exposure:', '<=']] as const) {
    const items = x.items.filter((e) => e.direction === direction);
    if (items.length === 0) continue;
    if (out.length > 2) out.push('');
    out.push(title);
    for (const e of items) out.push(`${e.endpoint.padEnd(width)} \t${arrow} \t${exposurePeerText(e.peer)} : ${exposureConnsText(e)}${exposureCaveatText(e)}`);
  }
  return `${out.join('\n')}\n`;
}

function peerJson(p: ExposurePeer): unknown {
  if (p.kind === 'entire-cluster') return 'entire-cluster';
  return {
    ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
    ...(p.namespaceSelector ? { namespaceSelector: p.namespaceSelector } : {}),
    ...(p.podSelector ? { podSelector: p.podSelector } : {}),
    text: exposurePeerText(p),
  };
}

/** One exposure in JSON: the input's endpoint on its side (`dst` for ingress, `src` for egress), the peer on the other. */
export function exposureJson(e: Exposure): unknown {
  const ends = e.direction === 'ingress' ? { dst: e.endpoint, src: peerJson(e.peer) } : { src: e.endpoint, dst: peerJson(e.peer) };
  return { direction: e.direction, ...ends, conns: e.conns.toJSON(), ...(e.namedPorts.length ? { namedPorts: e.namedPorts } : {}), rules: e.rules, ...(e.unappliedTiers ? { unappliedTiers: e.unappliedTiers } : {}) };
}

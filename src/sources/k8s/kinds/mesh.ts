/** Service meshes: Istio's authorization and sidecar scope, Linkerd's servers and authorizations. */
import { isObj } from '../fields.js';
import { podsMatching, podsOfNamespace, readLabelMap, readLabelSelector } from './select.js';
import type { KindEntry, SelectContext, Selection } from './types.js';

/** Istio's default root namespace: a policy there without selector applies mesh-wide. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/**
 * Istio workload selection (istio.io, AuthorizationPolicy "selector"): the selector matches workloads in the
 * policy's namespace, or in every namespace when the policy is in the root namespace; no selector: the whole
 * namespace, or the whole mesh from the root namespace. `targetRef(s)` (waypoints, gateways) is not read.
 */
function istio(selectorPath: 'selector.matchLabels' | 'workloadSelector.labels', rootSelectorIgnored = false) {
  return (ctx: SelectContext): Selection => {
    const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : {};
    if (spec['targetRef'] !== undefined || spec['targetRefs'] !== undefined) return 'unknown';
    const [outer, inner] = selectorPath.split('.') as [string, string];
    const holder = spec[outer];
    const sel = holder === undefined || holder === null ? null : isObj(holder) ? readLabelMap(holder[inner]) : undefined;
    if (sel === undefined) return 'unknown';
    const root = ctx.namespace === ISTIO_ROOT_NAMESPACE;
    // "PeerAuthentication policies with workload selectors are ignored when deployed in the root namespace."
    if (root && sel && rootSelectorIgnored) return [];
    return podsMatching(ctx, { ...(root ? {} : ctx.namespace !== undefined ? { ns: ctx.namespace } : {}), podSel: sel });
  };
}

const ISTIO_SEC = ['security.istio.io'];
const ISTIO_NET = ['networking.istio.io'];
const LINKERD = ['policy.linkerd.io'];

function linkerdServer(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : undefined;
  const sel = spec ? readLabelSelector(spec['podSelector']) : undefined;
  return sel ? podsMatching(ctx, { ...(ctx.namespace !== undefined ? { ns: ctx.namespace } : {}), podSel: sel }) : 'unknown';
}

/** An AuthorizationPolicy's target: a Server of the input, or a whole namespace; routes are not followed. */
function linkerdTarget(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : {};
  const t = isObj(spec['targetRef']) ? spec['targetRef'] : undefined;
  if (!t || typeof t['kind'] !== 'string') return 'unknown';
  if (t['kind'] === 'Namespace') return podsOfNamespace(ctx);
  if (t['kind'] === 'Server' && typeof t['name'] === 'string') {
    const server = ctx.find('policy.linkerd.io', 'Server', ctx.namespace, t['name']);
    return server ? linkerdServer({ ...ctx, obj: server }) : 'unknown';
  }
  return 'unknown';
}

/** A ServerAuthorization's `server`: one Server by name, or Servers by label. */
function linkerdServerAuthorization(ctx: SelectContext): Selection {
  const spec = isObj(ctx.obj['spec']) ? ctx.obj['spec'] : {};
  const s = isObj(spec['server']) ? spec['server'] : undefined;
  if (s && typeof s['name'] === 'string') {
    const server = ctx.find('policy.linkerd.io', 'Server', ctx.namespace, s['name']);
    return server ? linkerdServer({ ...ctx, obj: server }) : 'unknown';
  }
  return 'unknown';
}

const MESHED = ' (for pods in the mesh)';

export const MESH_KINDS: readonly KindEntry[] = [
  { kind: 'AuthorizationPolicy', groups: ISTIO_SEC, role: 'unmodelled', product: 'Istio', namespaced: true, effect: `may deny or allow requests${MESHED}`, selects: istio('selector.matchLabels') },
  { kind: 'PeerAuthentication', groups: ISTIO_SEC, role: 'unmodelled', product: 'Istio', namespaced: true, effect: `may refuse plain-text connections (mTLS STRICT)${MESHED}`, selects: istio('selector.matchLabels', true) },
  { kind: 'RequestAuthentication', groups: ISTIO_SEC, role: 'unmodelled', product: 'Istio', namespaced: true, effect: `may refuse requests with an invalid token${MESHED}`, selects: istio('selector.matchLabels') },
  { kind: 'Sidecar', groups: ISTIO_NET, role: 'unmodelled', product: 'Istio', namespaced: true, effect: `may restrict the destinations its pods can reach${MESHED}`, selects: istio('workloadSelector.labels') },
  { kind: 'EnvoyFilter', groups: ISTIO_NET, role: 'unmodelled', product: 'Istio', namespaced: true, effect: `may change how proxies handle any traffic${MESHED}`, selects: istio('workloadSelector.labels') },
  ...['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'WorkloadEntry', 'WorkloadGroup', 'ProxyConfig'].map(
    (kind): KindEntry => ({ kind, groups: ISTIO_NET, role: 'irrelevant', product: 'Istio', namespaced: true, why: 'routing within what is allowed' }),
  ),
  { kind: 'Telemetry', groups: ['telemetry.istio.io'], role: 'irrelevant', product: 'Istio', namespaced: true, why: 'metrics, logs and traces' },
  { kind: 'Server', groups: LINKERD, role: 'unmodelled', product: 'Linkerd', namespaced: true, effect: `denies traffic to its port unless an authorization allows it${MESHED}`, selects: linkerdServer },
  { kind: 'AuthorizationPolicy', groups: LINKERD, role: 'unmodelled', product: 'Linkerd', namespaced: true, effect: `allows traffic to its target${MESHED}`, selects: linkerdTarget },
  { kind: 'ServerAuthorization', groups: LINKERD, role: 'unmodelled', product: 'Linkerd', namespaced: true, effect: `allows traffic to its Server${MESHED}`, selects: linkerdServerAuthorization },
  ...['MeshTLSAuthentication', 'NetworkAuthentication'].map(
    (kind): KindEntry => ({ kind, groups: LINKERD, role: 'irrelevant', product: 'Linkerd', namespaced: true, why: 'names clients; only an AuthorizationPolicy that refers to it allows traffic' }),
  ),
  ...['HTTPRoute', 'GRPCRoute', 'HTTPLocalRateLimitPolicy', 'EgressNetwork'].map(
    (kind): KindEntry => ({ kind, groups: LINKERD, role: 'irrelevant', product: 'Linkerd', namespaced: true, why: 'routing within what is allowed' }),
  ),
  { kind: 'ServiceProfile', groups: ['linkerd.io'], role: 'irrelevant', product: 'Linkerd', namespaced: true, why: 'retries and timeouts' },
];


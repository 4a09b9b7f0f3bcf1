/**
 * An audit narrowed by `-n`/`-l` (the filter reach and blast take): the findings that involve an endpoint
 * or object in scope. The checks still ran over the whole input, since a policy elsewhere can open a path
 * into the scope; only what is reported is narrowed, and the result says by which filter.
 */
import type { Analysis } from '../engine/index.js';
import { matchesSelector } from '../inventory/selector.js';
import type { ResourceRef } from '../checks/index.js';
import { countFindings, type AuditResult, type Finding } from './audit.js';
import type { EndpointScope } from './endpoint-filter.js';
import type { Endpoint } from './endpoints.js';
import { segmentsOf, type Intent } from './intent/index.js';

/** Endpoints a finding's resource stands for (its workloads, a policy's selected workloads...), by resource. */
interface Subjects {
  /** By endpoint id (evidence names them so). */
  readonly endpoint: ReadonlyMap<string, Endpoint>;
  /** By `kind namespace name` (a resource names a workload so). */
  readonly workload: ReadonlyMap<string, Endpoint>;
  /** Workload endpoints per namespace. */
  readonly byNamespace: ReadonlyMap<string, readonly Endpoint[]>;
  /** Workload endpoints per intent segment. */
  readonly bySegment: ReadonlyMap<string, readonly Endpoint[]>;
}

function subjectsOf(a: Analysis, intent: Intent | undefined): Subjects {
  const endpoint = new Map<string, Endpoint>();
  const workload = new Map<string, Endpoint>();
  const byNamespace = new Map<string, Endpoint[]>();
  const bySegment = new Map<string, Endpoint[]>();
  const push = (m: Map<string, Endpoint[]>, k: string, e: Endpoint): void => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const w of a.inventory.workloads) {
    const e: Endpoint = { id: w.id, kind: w.kind, namespace: w.namespace, name: w.name, labels: w.labels };
    endpoint.set(w.id, e);
    workload.set(`${w.kind} ${w.namespace} ${w.name}`, e);
    push(byNamespace, w.namespace, e);
    if (intent) for (const s of segmentsOf(a, intent, e)) push(bySegment, s, e);
  }
  return { endpoint, workload, byNamespace, bySegment };
}

/** The segments a Flow resource (`#7 monitoring => payments`) or Segment resource names. */
function segmentNames(ref: ResourceRef): string[] {
  if (ref.kind === 'Segment') return [ref.name];
  const m = ref.name.match(/^#\d+ (.+) => (.+)$/);
  return m ? [m[1]!, m[2]!] : [];
}

/**
 * True when a namespaced object is in scope: in a namespace of -n (when given), and, with -l, governing an
 * endpoint that -l keeps (kubectl's -l picks endpoints by their labels; a policy or namespace has its pods').
 */
function objectInScope(scope: EndpointScope, namespace: string, governed: readonly Endpoint[]): boolean {
  if (scope.namespaces && !scope.namespaces.has(namespace)) return false;
  return !scope.selector || governed.some(scope.keep);
}

function involves(a: Analysis, s: Subjects, scope: EndpointScope, f: Finding): boolean {
  // What cannot be read may open any path, into the scope too: input findings always stay.
  if (f.category === 'input') return true;
  // The listed evidence may be only the first pairs: the ends of every pair decide.
  const ends = f.evidenceEnds ?? f.evidence?.flatMap((e) => [e.src, e.dst]) ?? [];
  for (const id of ends) {
    const x = s.endpoint.get(id);
    if (x !== undefined && scope.keep(x)) return true;
  }
  const ref = f.ref;
  const w = s.workload.get(`${ref.kind} ${ref.namespace} ${ref.name}`);
  if (w) return scope.keep(w);
  if (ref.kind === 'Namespace') return objectInScope(scope, ref.name, s.byNamespace.get(ref.name) ?? []);
  if (ref.kind === 'Segment' || ref.kind === 'Flow') return segmentNames(ref).some((g) => (s.bySegment.get(g) ?? []).some(scope.keep));
  if (ref.namespace === undefined) return false;
  const inNs = s.byNamespace.get(ref.namespace) ?? [];
  if (ref.kind === 'NetworkPolicy') {
    const p = a.inventory.policies.find((x) => x.namespace === ref.namespace && x.name === ref.name);
    return objectInScope(scope, ref.namespace, p ? inNs.filter((e) => matchesSelector(p.podSelector, e.labels ?? {})) : []);
  }
  return objectInScope(scope, ref.namespace, inNs);
}

/** The audit narrowed to the findings that involve an endpoint or object the scope keeps; counts follow. */
export function scopeAudit(a: Analysis, r: AuditResult, scope: EndpointScope, intent?: Intent): AuditResult {
  const s = subjectsOf(a, intent);
  const findings = r.findings.filter((f) => involves(a, s, scope, f));
  const health = r.health?.filter((h) => (s.bySegment.get(h.segment.name) ?? []).some(scope.keep));
  return {
    ...r,
    findings,
    ...(health ? { health } : {}),
    summary: { ...r.summary, ...countFindings(findings) },
    scope: { filter: scope.text, total: r.findings.length },
  };
}

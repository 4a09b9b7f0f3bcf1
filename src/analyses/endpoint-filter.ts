/**
 * kubectl's endpoint filters: `-n NAMESPACE` and `-l SELECTOR` (the label-selector syntax of
 * `kubectl get -l`, k8s.io/apimachinery/pkg/labels). They choose which endpoints a report is about; the
 * analysis itself always covers the whole input, since a policy elsewhere can still open or close a path.
 */
import type { LabelSelector, SelectorRequirement } from '../inventory/types.js';
import { matchesSelector } from '../inventory/selector.js';
import { UserError } from '../util/errors.js';
import type { Endpoint } from './endpoints.js';
import type { Connection, ReachResult, ReachStream } from './reach.js';

export interface EndpointFilterSpec {
  /** Namespaces: an endpoint in any of them matches. */
  readonly namespaces?: readonly string[];
  /** A kubectl label selector, such as `app=web,tier in (a,b),!legacy`. */
  readonly selector?: string;
}

/** Splits on the commas that are not inside `( )`. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function bad(text: string, why: string): UserError {
  return new UserError(`bad label selector "${text}": ${why}`, 'kubectl syntax: key=value, key!=value, key in (a,b), key notin (a,b), key, !key; comma-separated (AND)');
}

/** Parses kubectl's label-selector syntax into a LabelSelector; a UserError names what is wrong. */
export function parseLabelSelector(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: SelectorRequirement[] = [];
  if (text.trim() === '') throw bad(text, 'it is empty');
  const key = (k: string): string => {
    if (!KEY.test(k)) throw bad(text, `"${k}" is not a label key`);
    return k;
  };
  const value = (v: string): string => {
    if (!VALUE.test(v) || v.length > 63) throw bad(text, `"${v}" is not a label value`);
    return v;
  };
  for (const part of splitTop(text)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+?)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = m[3]!.split(',').map((v) => value(v.trim()));
      matchExpressions.push({ key: key(m[1]!), operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = part.match(/^([^=!\s]+)\s*!=\s*(.*)$/))) {
      matchExpressions.push({ key: key(m[1]!), operator: 'NotIn', values: [value(m[2]!.trim())] });
    } else if ((m = part.match(/^([^=!\s]+)\s*==?\s*(.*)$/))) {
      const k = key(m[1]!);
      const v = value(m[2]!.trim());
      if (k in matchLabels && matchLabels[k] !== v) matchExpressions.push({ key: k, operator: 'In', values: [v] });
      else matchLabels[k] = v;
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      matchExpressions.push({ key: key(m[1]!), operator: 'DoesNotExist', values: [] });
    } else if (part !== '') {
      matchExpressions.push({ key: key(part), operator: 'Exists', values: [] });
    } else {
      throw bad(text, 'an empty requirement');
    }
  }
  return { matchLabels, matchExpressions };
}

/** The `-n`/`-l` filter: the endpoint predicate, its parts (for objects that are not endpoints) and how to name it. */
export interface EndpointScope {
  readonly keep: (e: Endpoint) => boolean;
  readonly namespaces?: ReadonlySet<string>;
  readonly selector?: LabelSelector;
  /** As given on the command line: `-n shop-dev -l app=web`. */
  readonly text: string;
}

/**
 * The `-n`/`-l` filter, or undefined when neither is given. Outside address blocks have no namespace and
 * no labels, so they never match a filter.
 */
export function endpointScope(spec: EndpointFilterSpec): EndpointScope | undefined {
  const namespaces = spec.namespaces?.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean);
  const selector = spec.selector !== undefined ? parseLabelSelector(spec.selector) : undefined;
  if (!namespaces?.length && !selector) return undefined;
  const ns = namespaces?.length ? new Set(namespaces) : undefined;
  const keep = (e: Endpoint): boolean => {
    if (e.kind === 'External') return false;
    if (ns && (e.namespace === undefined || !ns.has(e.namespace))) return false;
    return !selector || matchesSelector(selector, e.labels ?? {});
  };
  const text = [ns ? `-n ${[...ns].join(',')}` : '', spec.selector !== undefined ? `-l ${spec.selector.trim()}` : ''].filter(Boolean).join(' ');
  return { keep, ...(ns ? { namespaces: ns } : {}), ...(selector ? { selector } : {}), text };
}

/** The endpoint predicate of {@link endpointScope}, or undefined when neither `-n` nor `-l` is given. */
export function endpointFilter(spec: EndpointFilterSpec): ((e: Endpoint) => boolean) | undefined {
  return endpointScope(spec)?.keep;
}

/**
 * A reach listing narrowed to the connections with at least one end the filter selects (both directions,
 * as netpol-analyzer's --focusworkload): who gets in, and where it goes. The endpoints are the selected
 * ones and those on a kept connection, so that every id a connection names is described.
 */
export function filterReachStream(r: ReachStream, keep: (e: Endpoint) => boolean): ReachStream {
  const byId = new Map(r.endpoints.map((e) => [e.id, e]));
  const ok = (id: string): boolean => {
    const e = byId.get(id);
    return e !== undefined && keep(e);
  };
  const connections = function* (): IterableIterator<Connection> {
    for (const c of r.connections()) if (ok(c.src) || ok(c.dst)) yield c;
  };
  const named = new Set<string>();
  let count = 0;
  for (const c of connections()) {
    named.add(c.src).add(c.dst);
    count++;
  }
  const outside = r.outsideConnections?.bind(r);
  return {
    level: r.level,
    endpoints: r.endpoints.filter((e) => keep(e) || named.has(e.id)),
    ...(r.outsideSpace ? { outsideSpace: r.outsideSpace } : {}),
    connections,
    count: () => count,
    ...(outside
      ? {
          *outsideConnections() {
            for (const c of outside()) if (ok(c.src) || ok(c.dst)) yield c;
          },
        }
      : {}),
  };
}

/** A whole reach result narrowed as filterReachStream does; exposure items keep those of selected endpoints. */
export function filterReachResult(r: ReachResult, keep: (e: Endpoint) => boolean): ReachResult {
  const byId = new Map(r.endpoints.map((e) => [e.id, e]));
  const ok = (id: string): boolean => {
    const e = byId.get(id);
    return e !== undefined && keep(e);
  };
  const connections = r.connections.filter((c) => ok(c.src) || ok(c.dst));
  const named = new Set(connections.flatMap((c) => [c.src, c.dst]));
  return {
    ...r,
    endpoints: r.endpoints.filter((e) => keep(e) || named.has(e.id)),
    connections,
    ...(r.exposure ? { exposure: { ...r.exposure, items: r.exposure.items.filter((x) => ok(x.endpoint)) } } : {}),
  };
}

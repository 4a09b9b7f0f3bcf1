import type { LabelSelector, Labels, Peer } from './types.js';

/** The selector that matches everything. */
export const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

/** True when the selector has no requirement (matches every object). */
export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** Label selector matching with Kubernetes semantics: NotIn and DoesNotExist match objects lacking the key. */
export function matchesSelector(s: LabelSelector, labels: Labels): boolean {
  for (const k in s.matchLabels) {
    if (labels[k] !== s.matchLabels[k]) return false;
  }
  for (const r of s.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** kubectl-style rendering: "app=web,tier in (a,b),!legacy"; the empty selector is "{}". */
export function formatSelector(s: LabelSelector | null): string {
  if (!s || isEmptySelector(s)) return '{}';
  const parts = Object.keys(s.matchLabels)
    .sort()
    .map((k) => `${k}=${s.matchLabels[k]}`);
  for (const r of s.matchExpressions) {
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${r.values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${r.values.join(',')})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.join(',');
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is invalid (Kubernetes qualified-name rules), or undefined when valid. */
export function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `prefix "${prefix}" must be a DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return 'name part must be 1-63 characters of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  }
  return undefined;
}

/** Why a label value is invalid, or undefined when valid (the empty value is valid). */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) {
    return 'must be at most 63 characters of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  }
  return undefined;
}

/** A peer in words: "pods tier=api in the policy's namespace", "all pods in namespaces env=prod", "ipBlock 0.0.0.0/0 except 10.0.0.0/8". */
export function describePeer(p: Peer): string {
  if (p.type === 'ipBlock') return `ipBlock ${p.cidrText}${p.exceptText.length ? ` except ${p.exceptText.join(', ')}` : ''}`;
  const pods = !p.podSelector || isEmptySelector(p.podSelector) ? 'all pods' : `pods ${formatSelector(p.podSelector)}`;
  if (p.namespaceSelector === null) return `${pods} in the policy's namespace`;
  if (isEmptySelector(p.namespaceSelector)) return `${pods} in all namespaces`;
  return `${pods} in namespaces ${formatSelector(p.namespaceSelector)}`;
}

/**
 * Calico's selector expression language (docs.tigera.io, "Selectors"): `all()`, `k == 'v'`, `k != 'v'`,
 * `has(k)`, `!has(k)`, `k in {'a','b'}`, `k not in {...}`, `k contains 's'`, `k starts with 's'`,
 * `k ends with 's'`, `!`, `&&`, `||` and parentheses. The empty selector means all().
 */
import type { Labels } from '../../../inventory/types.js';

export type LabelPredicate = (labels: Labels) => boolean;

type Tok = { t: 'id' | 'str' | 'op'; v: string };

function tokenize(s: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (['==', '!=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('!(){},'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return undefined;
      out.push({ t: 'str', v: s.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_./\-]+/.exec(s.slice(i));
    if (!m) return undefined;
    out.push({ t: 'id', v: m[0] });
    i += m[0].length;
  }
  return out;
}

/** Parses a Calico selector; undefined when it is not understood. `keyOk` refuses keys whose values we cannot know. */
export function parseCalicoSelector(text: string, keyOk: (key: string) => boolean = () => true): LabelPredicate | undefined {
  const toks = tokenize(text);
  if (!toks) return undefined;
  if (toks.length === 0) return () => true;
  let i = 0;
  const peek = (v?: string): Tok | undefined => {
    const t = toks[i];
    return t && (v === undefined || t.v === v) ? t : undefined;
  };
  const take = (v: string): boolean => {
    if (peek(v) && toks[i]!.t !== 'str') {
      i++;
      return true;
    }
    return false;
  };
  const str = (): string | undefined => (toks[i]?.t === 'str' ? toks[i++]!.v : undefined);
  const key = (): string | undefined => {
    const t = toks[i];
    if (t?.t !== 'id' || !keyOk(t.v)) return undefined;
    i++;
    return t.v;
  };
  const set = (): string[] | undefined => {
    if (!take('{')) return undefined;
    const vals: string[] = [];
    if (take('}')) return vals;
    for (;;) {
      const v = str();
      if (v === undefined) return undefined;
      vals.push(v);
      if (take('}')) return vals;
      if (!take(',')) return undefined;
    }
  };
  const primary = (): LabelPredicate | undefined => {
    if (take('(')) {
      const e = or();
      return e && take(')') ? e : undefined;
    }
    if (take('!')) {
      const e = primary();
      return e ? (l) => !e(l) : undefined;
    }
    const t = toks[i];
    if (t?.t === 'id' && (t.v === 'all' || t.v === 'global') && toks[i + 1]?.v === '(' && toks[i + 2]?.v === ')') {
      i += 3;
      return () => true;
    }
    if (t?.t === 'id' && t.v === 'has' && toks[i + 1]?.v === '(') {
      i += 2;
      const k = key();
      if (k === undefined || !take(')')) return undefined;
      return (l) => Object.prototype.hasOwnProperty.call(l, k);
    }
    const k = key();
    if (k === undefined) return undefined;
    const has = (l: Labels): boolean => Object.prototype.hasOwnProperty.call(l, k);
    if (take('==')) {
      const v = str();
      return v === undefined ? undefined : (l) => has(l) && l[k] === v;
    }
    if (take('!=')) {
      const v = str();
      return v === undefined ? undefined : (l) => !has(l) || l[k] !== v;
    }
    const word = toks[i]?.t === 'id' ? toks[i]!.v : undefined;
    if (word === 'in' || (word === 'not' && toks[i + 1]?.v === 'in')) {
      i += word === 'in' ? 1 : 2;
      const vals = set();
      if (!vals) return undefined;
      return word === 'in' ? (l) => has(l) && vals.includes(l[k]!) : (l) => !has(l) || !vals.includes(l[k]!);
    }
    const ops: Record<string, (a: string, b: string) => boolean> = {
      contains: (a, b) => a.includes(b),
      starts: (a, b) => a.startsWith(b),
      ends: (a, b) => a.endsWith(b),
    };
    if (word && ops[word]) {
      i++;
      if (word !== 'contains' && !(toks[i]?.t === 'id' && toks[i]!.v === 'with' && ++i)) return undefined;
      const v = str();
      const f = ops[word]!;
      return v === undefined ? undefined : (l) => has(l) && f(l[k]!, v);
    }
    return undefined;
  };
  const and = (): LabelPredicate | undefined => {
    let left = primary();
    while (left && take('&&')) {
      const right = primary();
      if (!right) return undefined;
      const a = left;
      left = (l) => a(l) && right(l);
    }
    return left;
  };
  const or = (): LabelPredicate | undefined => {
    let left = and();
    while (left && take('||')) {
      const right = and();
      if (!right) return undefined;
      const a = left;
      left = (l) => a(l) || right(l);
    }
    return left;
  };
  const e = or();
  return e && i === toks.length ? e : undefined;
}

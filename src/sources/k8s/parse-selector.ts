import type { LabelSelector, SelectorOperator, SelectorRequirement } from '../../inventory/types.js';
import { labelKeyError, labelValueError } from '../../inventory/selector.js';
import { type FieldReader, type Obj, describe, isObj } from './fields.js';
import { LABEL_SELECTOR, SELECTOR_REQUIREMENT } from './known-fields.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Parses and validates a metav1.LabelSelector the way the API server does. */
export function parseSelector(r: FieldReader, sel: Obj, path: string): LabelSelector {
  r.known(sel, LABEL_SELECTOR, path);
  const matchLabels = r.stringMap(sel, 'matchLabels', `${path}.matchLabels`);
  const ml = isObj(sel['matchLabels']) ? sel['matchLabels'] : sel;
  for (const [k, v] of Object.entries(matchLabels)) {
    const ke = labelKeyError(k);
    if (ke) r.problem(ml, k, 'bad-selector', `selector error: key: Invalid value "${k}" in ${path}.matchLabels: ${ke}`);
    const ve = labelValueError(v);
    if (ve) r.problem(ml, k, 'bad-selector', `selector error: value: Invalid value "${v}" for ${path}.matchLabels.${k}: ${ve}`);
  }
  const exprs: SelectorRequirement[] = [];
  const list = r.list(sel, 'matchExpressions', `${path}.matchExpressions`) ?? [];
  list.forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isObj(e)) {
      r.problem(list, undefined, 'bad-selector', `${p}: expected a mapping`);
      return;
    }
    r.known(e, SELECTOR_REQUIREMENT, p);
    const key = r.str(e, 'key', `${p}.key`);
    const op = r.str(e, 'operator', `${p}.operator`);
    const valuesRaw = r.list(e, 'values', `${p}.values`) ?? [];
    const values: string[] = [];
    for (const [j, v] of valuesRaw.entries()) {
      // The API decodes values as []string: `values: [yes, 1]` is rejected, not read as "true", "1".
      if (typeof v === 'string') values.push(v);
      else return r.problem(e, 'values', 'bad-selector', `selector error: ${p}.values[${j}]: expected a string but got ${describe(v)}; the API server rejects it${typeof v === 'number' || typeof v === 'boolean' ? ` (quote it: "${String(v)}")` : ''}`);
    }
    if (key === undefined) return r.problem(e, undefined, 'bad-selector', `selector error: ${p}.key is required`);
    const ke = labelKeyError(key);
    if (ke) return r.problem(e, 'key', 'bad-selector', `selector error: key: Invalid value "${key}" in ${p}: ${ke}`);
    if (op === undefined || !OPERATORS.includes(op as SelectorOperator)) {
      return r.problem(
        e,
        'operator',
        'bad-selector',
        `selector error: ${p}.operator: expected one of In, NotIn, Exists, DoesNotExist but got ${JSON.stringify(op ?? null)}`,
      );
    }
    if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      return r.problem(e, 'values', 'bad-selector', `selector error: ${p}: values must be non-empty for operator ${op}`);
    }
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      return r.problem(e, 'values', 'bad-selector', `selector error: ${p}: values must be empty for operator ${op}`);
    }
    for (const v of values) {
      const ve = labelValueError(v);
      if (ve) return r.problem(e, 'values', 'bad-selector', `selector error: value: Invalid value "${v}" in ${p}.values: ${ve}`);
    }
    exprs.push({ key, operator: op as SelectorOperator, values });
  });
  return { matchLabels, matchExpressions: exprs };
}

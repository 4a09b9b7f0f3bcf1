/** Runs checks: the model's verdict for each, a runner's observation when one is given, and the comparison. */
import type { Analysis } from '../../engine/index.js';
import type { Diagnostic } from '../../inventory/types.js';
import { modelVerdict } from './model.js';
import type { Check, CheckResult, ModelVerdict, Observation, Runner, TestRun } from './types.js';

export interface RunInfo {
  readonly intent?: string;
  readonly notes?: readonly string[];
  readonly diagnostics?: readonly Diagnostic[];
}

/** Judges one check: the expectation against the observation (or the model without one), and model against runner. */
export function judge(check: Check, model: CheckResult['model'], observed: CheckResult['observed'], runner?: string): CheckResult {
  const reasons: string[] = [];
  let disagreement = false;
  const seen = observed && (observed.verdict === 'allow' || observed.verdict === 'deny') ? observed.verdict : undefined;
  if (observed?.verdict === 'error') reasons.push(`the probe failed: ${observed.detail ?? 'unknown error'}`);
  if (seen) {
    if (seen !== check.expect) reasons.push(`expected ${check.expect}, ${runner ?? 'runner'} observed ${seen}`);
    if (seen !== model.verdict) {
      disagreement = true;
      // Live probes test a real cluster: a disagreement may be the model's or the cluster's enforcement (its CNI).
      const other = runner === 'live' ? "the cluster's enforcement (its network plugin)" : `the ${runner ?? 'runner'}`;
      reasons.push(`the model says ${model.verdict} but ${runner ?? 'the runner'} observed ${seen}: a defect of the model or of ${other}`);
    }
  }
  // A dual-stack check probed in both families: each family against the model's verdict for it, so a
  // family the lab and the model disagree on is never hidden by the other one getting through.
  for (const f of [4, 6] as const) {
    const o = observed?.families?.[f];
    const m = model.families?.[f];
    if (!o || !m || o === m) continue;
    disagreement = true;
    reasons.push(`over IPv${f} the model says ${m} but ${runner ?? 'the runner'} observed ${o}: a defect of the model or of the ${runner ?? 'runner'}`);
  }
  if (!seen && model.verdict !== check.expect) reasons.push(`expected ${check.expect}, the model says ${model.verdict}`);
  return { check, model, ...(observed ? { observed } : {}), status: reasons.length ? 'fail' : 'pass', reasons, disagreement };
}

/** The verdict that counts: what the runner observed when it did, else the model's. */
function effective(r: CheckResult): 'allow' | 'deny' | undefined {
  const o = r.observed?.verdict;
  if (o === 'allow' || o === 'deny') return o;
  if (o === 'error') return undefined;
  return r.model.verdict;
}

/** In a group, one check that got through satisfies the denied others (never a disagreement or an error). */
export function satisfyGroups(results: CheckResult[]): CheckResult[] {
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    if (!r.check.group) return;
    const l = groups.get(r.check.group) ?? [];
    l.push(i);
    groups.set(r.check.group, l);
  });
  for (const idxs of groups.values()) {
    const ok = idxs.find((i) => effective(results[i]!) === 'allow');
    if (ok === undefined) continue;
    for (const i of idxs) {
      const r = results[i]!;
      if (r.status === 'fail' && !r.disagreement && effective(r) === 'deny') results[i] = { ...r, status: 'pass', reasons: [], satisfiedBy: results[ok]!.check.id };
    }
  }
  return results;
}

/**
 * The model's verdict on every check, the runner's observations when given, and the summary. The model is
 * the cluster's analysis, or a function judging each check (for AWS checks and mixed runs).
 */
export async function runChecks(model: Analysis | ((c: Check) => ModelVerdict), checks: readonly Check[], runner: Runner | undefined, info: RunInfo = {}): Promise<TestRun> {
  const t0 = performance.now();
  const verdictOf = typeof model === 'function' ? model : (c: Check): ModelVerdict => modelVerdict(model, c);
  const models = checks.map(verdictOf);
  const observed = runner ? await runner.observe(checks) : new Map();
  const results = satisfyGroups(checks.map((c, i) => judge(c, models[i]!, observed.get(c.id), runner?.name)));
  const probes = [...observed.values()].filter((o) => o.verdict !== 'skipped').length;
  return {
    schema: 'bulkhead.test/v1',
    runner: runner?.name ?? 'model',
    ...(info.intent ? { intent: info.intent } : {}),
    results,
    summary: {
      checks: results.length,
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      disagreements: results.filter((r) => r.disagreement).length,
      skipped: [...observed.values()].filter((o) => o.verdict === 'skipped').length,
      probes,
      ms: Math.round(performance.now() - t0),
    },
    notes: [...(info.notes ?? [])],
    diagnostics: [...(info.diagnostics ?? [])],
  };
}

/** One part of a split run: the checks it takes, and the runner that observes them or why they are not probed. */
export interface RunnerPart {
  readonly takes: (c: Check) => boolean;
  readonly runner?: Runner;
  readonly skip?: string;
}

/** A runner over checks of several kinds (cluster and AWS in one run): each part observes the checks it takes. */
export function splitRunner(name: string, parts: readonly RunnerPart[]): Runner {
  return {
    name,
    async observe(checks) {
      const out = new Map<number, Observation>();
      const left = new Set(checks.map((c) => c.id));
      for (const p of parts) {
        const mine = checks.filter((c) => left.has(c.id) && p.takes(c));
        for (const c of mine) left.delete(c.id);
        if (mine.length === 0) continue;
        if (!p.runner) {
          for (const c of mine) out.set(c.id, { verdict: 'skipped', detail: p.skip ?? 'not probed' });
          continue;
        }
        for (const [id, o] of await p.runner.observe(mine)) out.set(id, o);
      }
      return out;
    },
  };
}

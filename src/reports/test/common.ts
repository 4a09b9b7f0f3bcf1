/** What the test reports share: one line naming a check, and the origin groups in order. */
import type { CheckResult, TestRun } from '../../analyses/test/types.js';

/** "shop-prod/frontend-0 => shop-prod/api-0 TCP/9000" */
export function checkLine(r: CheckResult): string {
  return `${r.check.from.id} => ${r.check.to.id} ${r.check.protocol}/${r.check.port}`;
}

/** Results grouped by origin label, in check order. */
export function byOrigin(run: TestRun): Map<string, CheckResult[]> {
  const m = new Map<string, CheckResult[]>();
  for (const r of run.results) {
    const l = m.get(r.check.origin.label) ?? [];
    l.push(r);
    m.set(r.check.origin.label, l);
  }
  return m;
}

export function observedText(r: CheckResult): string {
  return r.observed ? r.observed.verdict : '-';
}

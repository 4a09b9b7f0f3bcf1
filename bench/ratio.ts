/** The ratio of a figure to the previous run's, printed beside it so a regression shows. */

/** " 1.05×" (now / before), or "" when there is no earlier figure to compare with. */
export function ratio(now: number | undefined, before: number | undefined): string {
  if (now === undefined || before === undefined || !Number.isFinite(now) || !Number.isFinite(before) || before <= 0) return '';
  const r = now / before;
  return ` ${r >= 9.95 ? r.toFixed(0) : r.toFixed(2)}×`;
}

/** Position of `v` in numbers sorted ascending (an Int32Array or a list), or -1 (binary search). */
export function indexOfSorted(sorted: Int32Array | readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === v ? lo : -1;
}

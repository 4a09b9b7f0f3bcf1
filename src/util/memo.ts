/** Memoizing a function of one key, for renderings asked again and again (an endpoint's name in thousands of lines). */

/** `f` with its results kept per key (by identity for objects: the engine hands out one object per distinct set). */
export function memoized<K, V>(f: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) cache.set(k, (v = f(k)));
    return v;
  };
}

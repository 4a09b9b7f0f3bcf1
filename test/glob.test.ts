/** Globs (intent `namespace`/`workloads`, `--from`/`--to`): same answers as a plain reference, in linear time on hostile patterns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { globMatch, compileGlob } from '../src/util/glob.js';

/** The definition, written as a memoized recursion: `*` takes zero or more characters, anything else itself. */
function reference(p: string, t: string): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = `${i},${j}`;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === t.length;
    else if (p[i] === '*') r = go(i + 1, j) || (j < t.length && go(i, j + 1));
    else r = j < t.length && p[i] === t[j] && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

// Regex metacharacters are in the alphabet: they must match only themselves.
const CHARS = ['a', 'b', '/', '.', '[', ']', '?', '(', '\\', '$'];
const textArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 10 }).map((xs) => xs.join(''));
const patternArb = fc.array(fc.constantFrom(...CHARS, '*', '*'), { maxLength: 8 }).map((xs) => xs.join(''));

test('globMatch agrees with the reference definition on random small patterns', () => {
  fc.assert(
    fc.property(patternArb, textArb, (p, t) => {
      assert.equal(globMatch(p, t), reference(p, t), `${JSON.stringify(p)} vs ${JSON.stringify(t)}`);
      assert.equal(compileGlob(p)(t), reference(p, t));
    }),
    { numRuns: 3000 },
  );
});

test('globMatch: texts built from the pattern match, and the usual cases', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(textArb, textArb), { maxLength: 4 }), (parts) => {
      // Pattern "x*y*z", text "x<filler>y<filler>z": always a match.
      const pattern = parts.map(([lit]) => lit).join('*');
      const text = parts.map(([lit, fill]) => lit + fill).join('');
      assert.ok(globMatch(`${pattern}*`, text), `${pattern}* vs ${text}`);
    }),
  );
  assert.ok(globMatch('prod-*', 'prod-eu'));
  assert.ok(!globMatch('prod-*', 'xprod-eu'));
  assert.ok(globMatch('shop/*', 'shop/api[Deployment]'));
  assert.ok(globMatch('shop/api[Deployment]', 'shop/api[Deployment]'));
  assert.ok(!globMatch('a.c', 'abc'), '. is not a wildcard');
  assert.ok(globMatch('', ''));
  assert.ok(!globMatch('', 'a'));
  assert.ok(globMatch('**', ''));
});

/**
 * Runs `body` (JavaScript using the module at `url` as `m`) in a worker and fails if it takes longer than
 * `ms`: a backtracking matcher would block the thread for hours, and only a worker can be stopped.
 */
async function finishesWithin(ms: number, url: URL, body: string): Promise<unknown> {
  const code = `const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(url.href)}).then((m) => { parentPort.postMessage((() => { ${body} })()); });`;
  const w = new Worker(code, { eval: true });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
      w.on('message', (v) => (clearTimeout(timer), resolve(v)));
      w.on('error', (e) => (clearTimeout(timer), reject(e)));
    });
  } finally {
    await w.terminate();
  }
}

const HOSTILE = 'a/*a*a*a*a*a*a*z';
const LONG = `a/${'a'.repeat(5000)}`;

test('a hostile glob against a long name returns quickly (--from/--to)', async () => {
  const url = new URL('../src/analyses/endpoints.js', import.meta.url);
  const r = await finishesWithin(5000, url, `return m.endpointMatcher(${JSON.stringify(HOSTILE)})({ id: ${JSON.stringify(LONG)}, kind: 'Deployment', namespace: 'a', name: ${JSON.stringify(LONG.slice(2))} });`);
  assert.equal(r, false);
});

test('a hostile glob against a long name returns quickly (intent workloads and namespace)', async () => {
  const url = new URL('../src/analyses/intent/membership.js', import.meta.url);
  const subject = `{ namespace: ${JSON.stringify(LONG)}, namespaceLabels: {}, labels: {}, workload: ${JSON.stringify(`${LONG}[Deployment]`)} }`;
  const r = await finishesWithin(5000, url, `return [m.matcherTakesCluster({ workloads: [${JSON.stringify(HOSTILE)}] }, ${subject}), m.matcherTakesCluster({ namespaces: [${JSON.stringify(HOSTILE)}] }, ${subject})];`);
  assert.deepEqual(r, [false, false]);
  const t0 = performance.now();
  assert.equal(globMatch(HOSTILE, LONG), false);
  assert.equal(globMatch(HOSTILE, `${LONG}z`), true);
  assert.ok(performance.now() - t0 < 1000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings, SettingsError } from '../src/settings/index.js';

test('settings: operators, DNS ports and wholeCluster are read', () => {
  const s = parseSettings(
    [
      'input: {wholeCluster: true}',
      'operators:',
      '  - apiVersion: example.com/v1',
      '    kind: Cache',
      '    podLabels: {app: cache, cache: "{{name}}"}',
      '    ports: [TCP/6379, {name: metrics, port: TCP/9121}]',
      'dns: {ports: [UDP/5353, TCP/5353]}',
    ].join('\n'),
    'bulkhead.settings.yaml',
  );
  assert.equal(s.wholeCluster, true);
  assert.equal(s.operators.length, 1);
  assert.equal(s.operators[0]!.group, 'example.com');
  assert.deepEqual(s.operators[0]!.podLabels, { app: 'cache', cache: '{{name}}' });
  assert.deepEqual(s.operators[0]!.ports.map((p) => [p.name, p.spec]), [[undefined, 'TCP/6379'], ['metrics', 'TCP/9121']]);
  assert.equal(s.operators[0]!.origin, 'bulkhead.settings.yaml:3');
  assert.ok(s.dnsPorts);
  assert.ok(!s.dnsPorts.has('UDP', 53));
  assert.ok(s.dnsPorts.has('UDP', 5353) && s.dnsPorts.has('TCP', 5353));
});

test('settings: a misspelt key is an error with its line and a suggestion', () => {
  assert.throws(
    () => parseSettings('input:\n  wholeCluser: true\n', 's.yaml'),
    (e: unknown) => e instanceof SettingsError && /s\.yaml:2: input\.wholeCluser: unknown key "wholeCluser" \(did you mean "wholeCluster"\?\)/.test(e.message),
  );
});

test('settings: a bad port and a bad label key are errors with lines', () => {
  assert.throws(
    () => parseSettings('dns:\n  ports: [UDP/53, bogus]\noperators:\n  - kind: X\n    podLabels: {"bad key!": v}\n', 's.yaml'),
    (e: unknown) => e instanceof SettingsError && /s\.yaml:2: dns\.ports\[1\]: bad port "bogus"/.test(e.message) && /s\.yaml:5: .*bad label key "bad key!"/.test(e.message),
  );
});

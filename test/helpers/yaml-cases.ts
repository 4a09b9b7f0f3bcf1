/** YAML snippets whose kubectl reading is pinned down (test/yaml-kubectl.test.ts) and re-checked against Go (test/yaml-reference.test.ts). */

/** A plain or tagged scalar, as `v: SCALAR`, and the JSON value kubectl makes of it. */
export const SCALARS: ReadonlyArray<readonly [string, unknown]> = [
  ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true], ['on', true], ['ON', true], ['True', true],
  ['no', false], ['No', false], ['n', false], ['off', false], ['Off', false], ['FALSE', false],
  ['yEs', 'yEs'], ['tRUE', 'tRUE'], ['"yes"', 'yes'], ["'on'", 'on'],
  ['0700', 448], ['0o17', 15], ['5_432', 5432], ['0b101', 5], ['-0b11', -3], ['0x1F', 31], ['0x_1F', 31], ['+12', 12],
  ['1e3', 1000], ['12e03', 12000], ['1.', 1], ['.5', 0.5], ['+.5', 0.5], ['1_000.5', 1000.5], ['08', 8], ['012345678', 12345678],
  ['1e', '1e'], ['0o', '0o'], ['1:20', '1:20'], ['190:20:30.15', '190:20:30.15'],
  ['2001-12-14', '2001-12-14'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['~', null], ['null', null], ['Null', null], ['NULL', null], ['nULL', 'nULL'], ['', null],
  ['!!str yes', 'yes'], ['!!int "12"', 12], ['!!float 1', 1], ['!foo bar', 'bar'], ['=', '='],
];

/** Whole documents for the reference check: YAML 1.1 corners, merges, splitting, tabs, keys. */
export const DOCUMENTS: readonly string[] = [
  'on: 1\nn: 2\n1.5: a\n10: b\n0x10: c\n1e3: d\n',
  'x: &x {a: 1, b: 2}\nout:\n  a: 0\n  <<: *x\n  b: 9\n',
  'x: &x {a: 1}\nz: &z {a: 2, c: 3}\nout:\n  <<: [*x, *z]\n',
  'x: &x {a: 1}\nout:\n  <<: *x\n  <<: {b: 2}\n',
  'out:\n  "<<": {a: 1}\n',
  'a: 1\n--- # c\nb: 2\n',
  'a: 1\n...\nb: 2\n---\nc: 3\n',
  'a: 1\r\n---\r\nb: 2\r\n',
  'a: [\n\t"x",\n  "y"]\n',
  'a: "foo\n\tbar"\n',
  'a:\tb\n',
  'a: &a {x: 1}\nb: *a\nc: [*a, *a]\n',
  'list:\n- a: 1\n  b: [1, 2, {c: yes}]\n- !!str 0700\n- "0700"\n- 0700\n',
  'k: |\n  line one\n  line two\nf: >\n  folded\n  text\n',
];

/**
 * Scalars and keys as kubectl reads them: sigs.k8s.io/yaml on go-yaml v2 (YAML 1.1 rules), then JSON.
 * A transcription of go-yaml v2's resolve.go and sigs.k8s.io/yaml's key conversion, checked against the
 * real thing by test/yaml-reference.test.ts (test/reference/yaml2json).
 */

/** What a plain scalar resolves to: a JSON value, or the string itself. */
export type GoScalar = null | boolean | number | string;

/** Thrown for a scalar or key kubectl's decoder refuses; the message says what kubectl does. */
export class GoYamlError extends Error {}

const TAG = 'tag:yaml.org,2002:';
const STR = `${TAG}str`;
const BOOL = `${TAG}bool`;
const INT = `${TAG}int`;
const FLOAT = `${TAG}float`;
const NULL = `${TAG}null`;
const TIMESTAMP = `${TAG}timestamp`;
const BINARY = `${TAG}binary`;

const MAPPED = new Map<string, GoScalar>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) MAPPED.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) MAPPED.set(s, false);
for (const s of ['', '~', 'null', 'Null', 'NULL']) MAPPED.set(s, null);
for (const s of ['.nan', '.NaN', '.NAN']) MAPPED.set(s, NaN);
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) MAPPED.set(s, Infinity);
for (const s of ['-.inf', '-.Inf', '-.INF']) MAPPED.set(s, -Infinity);

/** ASCII letters that start no word of MAPPED. */
const LETTER_NOT_MAPPED = new Uint8Array(128);
for (let c = 65; c < 123; c++) if ((c <= 90 || c >= 97) && ![...MAPPED.keys()].some((k) => k.charCodeAt(0) === c)) LETTER_NOT_MAPPED[c] = 1;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed). */
const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const TIMESTAMP_LIKE = /^[0-9]{4}-/;

interface Resolved {
  readonly tag: string;
  readonly value: GoScalar;
  /** Integers keep their exact digits for keys (Go formats int keys exactly). */
  readonly big?: bigint;
}

function parseGoInt(plain: string): bigint | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body.toLowerCase().startsWith('0x') || body.toLowerCase().startsWith('0b') ? body.toLowerCase() : body);
  return m[1] === '-' ? -v : v;
}

function intResult(v: bigint): Resolved | undefined {
  if (v >= INT64_MIN && v <= UINT64_MAX) return { tag: INT, value: Number(v) + 0, big: v };
  return undefined;
}

/** go-yaml v2's resolve() for an untagged plain scalar. */
function resolvePlain(s: string): Resolved {
  const c = s.charCodeAt(0);
  const mapped = MAPPED.get(s);
  if (mapped !== undefined) return { tag: typeof mapped === 'boolean' ? BOOL : mapped === null ? NULL : FLOAT, value: mapped };
  if (s === '<<') return { tag: `${TAG}merge`, value: s };
  if (c === 46 /* . */) {
    if (DOT_FLOAT.test(s)) {
      const f = Number(s);
      if (Number.isFinite(f)) return { tag: FLOAT, value: f };
    }
    return { tag: STR, value: s };
  }
  const digit = c >= 48 && c <= 57;
  if (!digit && c !== 43 && c !== 45) return { tag: STR, value: s };
  // Timestamps stay strings when decoded into interface{} (what YAMLToJSON does); none parses as a number.
  if (TIMESTAMP_LIKE.test(s)) return { tag: STR, value: s };
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const i = parseGoInt(plain);
  if (i !== undefined) {
    // ParseInt, then ParseUint (which takes no sign) for values past int64.
    if (i >= INT64_MIN && i <= INT64_MAX) return intResult(i)!;
    if (i > 0n && i <= UINT64_MAX && !plain.startsWith('+')) return intResult(i)!;
  }
  if (YAML_FLOAT.test(plain)) {
    const f = Number(plain);
    // strconv.ParseFloat fails (out of range) where JavaScript says Infinity.
    if (Number.isFinite(f)) return { tag: FLOAT, value: f };
  }
  // go-yaml's own 0b branch: strconv.ParseInt(rest, 2) also takes a sign ("0b-101").
  const bin = /^(-?)0b([+-]?[01]+)$/.exec(plain);
  if (bin && !(bin[1] && /^[+-]/.test(bin[2]!))) {
    const digits = bin[2]!;
    const neg = (bin[1] === '-') !== digits.startsWith('-');
    const v = BigInt(`0b${digits.replace(/^[+-]/, '')}`) * (neg ? -1n : 1n);
    if (v >= INT64_MIN && v <= (bin[1] ? INT64_MAX : UINT64_MAX)) return intResult(v)!;
  }
  return { tag: STR, value: s };
}

/** The JSON value kubectl gives an untagged plain scalar (`yes` is true, `0700` is 448, `.inf` is refused later). */
export function goPlainScalar(s: string): GoScalar {
  const c = s.charCodeAt(0);
  // Most scalars: a letter that starts none of the words above, which resolvePlain would call a string.
  if (c < 128 && LETTER_NOT_MAPPED[c] === 1) return s;
  return resolvePlain(s).value;
}

function shortTag(tag: string): string {
  return tag.startsWith(TAG) ? `!!${tag.slice(TAG.length)}` : tag;
}

/**
 * A scalar with its style and explicit tag, as go-yaml v2 decodes it into interface{}.
 * Throws GoYamlError where go-yaml does (`!!int foo`, bad `!!binary`).
 */
export function goScalar(source: string, quoted: boolean, tag: string | undefined): Resolved {
  const t = tag === undefined || tag === '!' ? '' : tag;
  if (t === '' && quoted) return { tag: STR, value: source };
  if (t === BINARY) {
    const b64 = source.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) throw new GoYamlError(`!!binary value is not valid base64: kubectl rejects the document`);
    return { tag: STR, value: Buffer.from(b64, 'base64').toString('utf8') };
  }
  // Tags go-yaml does not resolve keep the text (a custom `!foo bar` is the string "bar").
  if (t !== '' && ![STR, BOOL, INT, FLOAT, NULL, TIMESTAMP].includes(t)) return { tag: t, value: source };
  if (t === STR) return { tag: STR, value: source };
  const r = resolvePlain(source);
  if (t === '' || t === r.tag) return r;
  if (t === FLOAT && r.tag === INT) return { tag: FLOAT, value: r.value };
  // !!timestamp on a date: go-yaml resolves it, and YAMLToJSON writes the text back.
  if (t === TIMESTAMP && TIMESTAMP_LIKE.test(source)) return { tag: TIMESTAMP, value: source };
  throw new GoYamlError(`cannot decode ${shortTag(r.tag)} \`${source}\` as a ${shortTag(t)}: kubectl rejects the document`);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for float keys. */
export function formatFloat32(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1);
    if (Math.fround(Number(s)) === x) {
      const [m, e] = s.split('e');
      digits = m!.replace('-', '').replace('.', '');
      exp = Number(e);
      break;
    }
  }
  const sign = x < 0 ? '-' : '';
  // Go's %g with the shortest precision switches to %e when the exponent is < -4 or >= 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** The JSON key sigs.k8s.io/yaml makes of a resolved scalar key; throws where it refuses (null, uint64). */
export function goKey(r: Resolved): string {
  const v = r.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) throw new GoYamlError('a null key (`~`, `null` or nothing before the colon) has no JSON form: kubectl rejects the document');
  if (r.tag === INT && r.big !== undefined) {
    if (r.big > INT64_MAX) throw new GoYamlError(`key ${r.big} is past int64: kubectl rejects the document (unsupported map key of type uint64)`);
    return r.big.toString();
  }
  return formatFloat32(v);
}

// go-yaml v2 refuses a document whose aliases expand too much (its defence against "billion laughs").
const ALIAS_RATIO_LOW = 400000;
const ALIAS_RATIO_HIGH = 4000000;

/** go-yaml v2's allowedAliasRatio: the share of decoded nodes that may come from alias expansion. */
export function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

/** True when go-yaml v2 would stop with "document contains excessive aliasing". */
export function excessiveAliasing(decodeCount: number, aliasCount: number): boolean {
  return aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount);
}

/**
 * describe-* JSON (as the AWS CLI prints it) back to the XML EC2 answers on the wire, for the test EC2
 * server: element names and list items from the EC2 model the SDK ships (each member's xmlName, lists of
 * `<item>`), so `Description` becomes `<groupDescription>` and `Groups` `<groupSet>` as EC2 sends them.
 * A JSON field the model does not have is an error, so a fixture cannot drift from what EC2 can say.
 */
import * as ec2 from '@aws-sdk/client-ec2';

type Schema = unknown;
type Traits = { xmlName?: string } | 0 | undefined;

const deref = (s: Schema): Schema => (typeof s === 'function' ? deref((s as () => Schema)()) : s);

/** A member entry: a bare schema, or [schema, traits]. */
function member(m: Schema): { schema: Schema; traits: Traits } {
  // Schemas themselves are longer arrays ([kind, namespace, name, ...]).
  if (Array.isArray(m) && m.length === 2) {
    return { schema: m[0], traits: m[1] as Traits };
  }
  return { schema: m, traits: undefined };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function scalar(v: unknown, where: string): string {
  if (typeof v === 'string') return esc(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  throw new Error(`${where}: ${JSON.stringify(v)} is not a scalar`);
}

function value(schema: Schema, v: unknown, where: string): string {
  const s = deref(schema);
  if (typeof s === 'number') {
    // 64 | x: a list of scalars.
    if (s & 64) return (v as unknown[]).map((x) => `<item>${scalar(x, where)}</item>`).join('');
    return scalar(v, where);
  }
  const a = s as unknown[];
  if (a[0] === 1) {
    const m = member(a[4]);
    const item = (m.traits && typeof m.traits === 'object' && m.traits.xmlName) || 'item';
    if (!Array.isArray(v)) throw new Error(`${where}: expected a list`);
    return v.map((x, i) => `<${item}>${value(m.schema, x, `${where}[${i}]`)}</${item}>`).join('');
  }
  if (a[0] === 3) return structure(a, v as Record<string, unknown>, where);
  throw new Error(`${where}: schema kind ${String(a[0])} not supported`);
}

function structure(s: unknown[], o: Record<string, unknown>, where: string): string {
  const names = s[4] as string[];
  const members = s[5] as Schema[];
  let out = '';
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    const i = names.indexOf(k);
    if (i < 0) throw new Error(`${where}.${k}: not a member of ${String(s[2])}`);
    const m = member(members[i]);
    const tag = (m.traits && typeof m.traits === 'object' && m.traits.xmlName) || lowerFirst(k);
    out += `<${tag}>${value(m.schema, v, `${where}.${k}`)}</${tag}>`;
  }
  return out;
}

/** The XML body EC2 sends for `action` with this output (`{"Vpcs": [...], "NextToken": "..."}`). */
export function ec2ResponseXml(action: string, output: Record<string, unknown>, requestId: string): string {
  const op = (ec2 as unknown as Record<string, unknown[] | undefined>)[`${action}$`];
  if (!op) throw new Error(`no EC2 operation ${action}`);
  const result = deref(op[5]) as unknown[];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${structure(result, output, action)}</${action}Response>`;
}

/** The XML body of an EC2 error. */
export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

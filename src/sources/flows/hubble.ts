/**
 * Cilium Hubble flows as `hubble observe -o json` prints them: one JSON object per line, either
 * `{"flow": {...}}` (Hubble 0.11+) or the flow itself. Fields are read in both the proto names
 * (`source_port`, `traffic_direction`) and their JSON camelCase (`sourcePort`). Replies (`is_reply`) and
 * events without an L4 layer are not connection attempts and are skipped.
 */
import type { Diagnostic } from '../../inventory/types.js';
import type { FlowEnd, ObservedFlow } from '../../inventory/flows.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A field by its proto name or camelCase. */
function get(o: Obj | undefined, name: string): unknown {
  if (!o) return undefined;
  if (name in o) return o[name];
  return o[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function end(ep: Obj | undefined, ip: string | undefined): FlowEnd {
  const w = Array.isArray(get(ep, 'workloads')) ? obj((get(ep, 'workloads') as unknown[])[0]) : undefined;
  const wname = str(get(w, 'name'));
  const wkind = str(get(w, 'kind'));
  const ns = str(get(ep, 'namespace'));
  const pod = str(get(ep, 'pod_name'));
  return { ...(ip ? { ip } : {}), ...(ns ? { namespace: ns } : {}), ...(pod ? { pod } : {}), ...(wname && wkind ? { workload: { name: wname, kind: wkind } } : {}) };
}

const ALLOWED = new Set(['FORWARDED', 'REDIRECTED', 'TRANSLATED']);
const DENIED = new Set(['DROPPED', 'ERROR']);

/** Reads one Hubble JSON file; lines it cannot read become warnings naming the line. */
export function parseHubble(file: string, text: string, diagnostics: Diagnostic[]): ObservedFlow[] {
  const out: ObservedFlow[] = [];
  const lines = text.split(/\r?\n/);
  let verdictless = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (e) {
      diagnostics.push({ severity: 'warning', code: 'flow-record', message: `not a JSON flow: ${(e as Error).message}; skipped`, source: { file, line: i + 1 } });
      continue;
    }
    const f = obj(get(obj(doc), 'flow')) ?? obj(doc);
    if (!f || get(f, 'is_reply') === true) continue;
    const l4 = obj(get(f, 'l4'));
    if (!l4) continue;
    const verdict = str(get(f, 'verdict'));
    if (!verdict || (!ALLOWED.has(verdict) && !DENIED.has(verdict))) {
      // AUDIT and TRACED say nothing about whether the packet passed.
      verdictless++;
      continue;
    }
    const proto = ['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6'].find((p) => obj(l4[p]));
    if (!proto) continue;
    const l = obj(l4[proto]);
    const ipl = obj(get(f, 'IP')) ?? obj(get(f, 'ip'));
    const time = str(get(f, 'time')) ?? str(get(obj(doc), 'time'));
    const t = time ? Date.parse(time) : NaN;
    if (Number.isNaN(t)) {
      diagnostics.push({ severity: 'warning', code: 'flow-record', message: 'Hubble flow without a readable time: skipped', source: { file, line: i + 1 } });
      continue;
    }
    const sp = Number(get(l, 'source_port'));
    const dp = Number(get(l, 'destination_port'));
    const reason = str(get(f, 'drop_reason_desc'));
    out.push({
      origin: 'hubble',
      start: new Date(t).toISOString(),
      end: new Date(t).toISOString(),
      src: end(obj(get(f, 'source')), str(get(ipl, 'source'))),
      dst: end(obj(get(f, 'destination')), str(get(ipl, 'destination'))),
      protocol: proto === 'ICMPv4' ? 'ICMP' : proto,
      ...(Number.isInteger(sp) && sp > 0 ? { srcPort: sp } : {}),
      ...(Number.isInteger(dp) && dp > 0 ? { dstPort: dp } : {}),
      verdict: ALLOWED.has(verdict) ? 'allowed' : 'denied',
      ...(reason ? { reason } : {}),
      source: { file, line: i + 1 },
    });
  }
  if (verdictless > 0) diagnostics.push({ severity: 'info', code: 'flow-verdict', message: `${verdictless} Hubble event(s) with verdict AUDIT, TRACED or none: not counted as allowed or denied`, source: { file, line: 1 } });
  return out;
}

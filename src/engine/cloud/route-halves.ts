/**
 * A route between two network interfaces, split in two halves that reach computes once each and joins per
 * pair. The forward half (the source subnet's table, its transit gateway attachment and that attachment's
 * table, for the destination address) depends only on the source subnet and the destination's address atom
 * and VPC; the back half (the destination subnet's table for the source address, and which attachments of
 * the destination VPC a transit gateway returns the reply from) only on the destination subnet and the
 * source's atom and VPC. `joinHalves` accepts exactly the paths routeFromEni accepts (test/aws checks it on
 * random estates); routeFromEni stays the one that explains.
 */
import type { NetworkInterface } from '../../inventory/aws/types.js';
import type { Estate } from './estate.js';
import { bestRoute } from './routing.js';

/** Where the source subnet's routing sends the destination address. */
export type ForwardHalf =
  | { readonly kind: 'fail' }
  | { readonly kind: 'local' }
  | { readonly kind: 'pcx'; readonly id: string }
  /** Through `tgw`, entering at the source VPC's attachment `xin`, leaving at `xout` in the destination VPC. */
  | { readonly kind: 'tgw'; readonly tgw: string; readonly xin: string; readonly xout: string };

/** Where the destination subnet's routing sends the source address. */
export type BackHalf =
  | { readonly kind: 'fail' }
  | { readonly kind: 'local' }
  | { readonly kind: 'pcx'; readonly id: string }
  /** Back into `tgw`; `returns`: the attachments whose table routes the source address to the source VPC's attachment. */
  | { readonly kind: 'tgw'; readonly tgw: string; readonly returns: readonly string[] };

const FAIL = { kind: 'fail' } as const;

/** The first attachment of a TGW route in sorted order, as routeFromEni picks it. */
function firstAttachment(attachments: readonly string[]): string | undefined {
  let first = attachments[0];
  for (const x of attachments) if (x < first!) first = x;
  return first;
}

/** The forward half from `src` toward address `d` of an interface in `dVpc`. */
export function forwardHalf(est: Estate, src: NetworkInterface, d: bigint, dVpc: string): ForwardHalf {
  const table = est.routeTableOf(src.subnet);
  const route = table ? bestRoute(est, table.routes, d) : undefined;
  if (!route || route.state === 'blackhole') return FAIL;
  const t = route.target;
  if (t.kind === 'local') return dVpc === src.vpc && est.interfaceAt(src.vpc, d) ? { kind: 'local' } : FAIL;
  if (t.kind === 'pcx') {
    const p = est.peerings.get(t.id);
    const other = p ? est.peerOf(p, src.vpc) : undefined;
    return other && other === dVpc && est.vpcContains(other, d) ? { kind: 'pcx', id: t.id } : FAIL;
  }
  if (t.kind !== 'tgw') return FAIL; // internet and NAT gateways do not reach another interface's private address
  const xin = est.vpcAttachment(t.id, src.vpc);
  if (!est.tgws.has(t.id) || !xin) return FAIL;
  const az = est.subnets.get(src.subnet)?.availabilityZone;
  if (xin.subnets && !xin.subnets.some((s) => est.subnets.get(s)?.availabilityZone === az)) return FAIL;
  const rt = est.tgwTableOf(xin.id);
  const tr = rt ? bestRoute(est, rt.routes, d) : undefined;
  if (!tr || tr.state === 'blackhole') return FAIL;
  const xout = firstAttachment(tr.attachments)!;
  const egress = est.attachments.get(xout);
  if (!egress || egress.resourceType !== 'vpc' || egress.state !== 'available') return FAIL;
  if (egress.resourceId !== dVpc || !est.vpcContains(dVpc, d)) return FAIL;
  return { kind: 'tgw', tgw: t.id, xin: xin.id, xout };
}

/** The back half from `dst` toward address `a` of an interface in `aVpc`. */
export function backHalf(est: Estate, dst: NetworkInterface, a: bigint, aVpc: string): BackHalf {
  const table = est.routeTableOf(dst.subnet);
  const route = table ? bestRoute(est, table.routes, a) : undefined;
  if (!route || route.state !== 'active') return FAIL;
  const t = route.target;
  if (t.kind === 'local') return { kind: 'local' };
  if (t.kind === 'pcx') return { kind: 'pcx', id: t.id };
  if (t.kind !== 'tgw') return FAIL;
  // The attachment the request entered by (the forward half fails without one).
  const xin = est.vpcAttachment(t.id, aVpc)?.id;
  const returns: string[] = [];
  // Any attachment the forward half may leave by: a VPC attachment of the destination VPC (on whichever TGW).
  const az = est.subnets.get(dst.subnet)?.availabilityZone;
  for (const x of xin ? est.vpcAttachmentsOf(dst.vpc) : []) {
    // The AZ rule: replies reach the TGW only through an attachment subnet in the destination's zone.
    if (x.subnets && !x.subnets.some((s) => est.subnets.get(s)?.availabilityZone === az)) continue;
    const rt2 = est.tgwTableOf(x.id);
    const tr2 = rt2 ? bestRoute(est, rt2.routes, a) : undefined;
    if (tr2 && tr2.state !== 'blackhole' && firstAttachment(tr2.attachments) === xin) returns.push(x.id);
  }
  return { kind: 'tgw', tgw: t.id, returns: returns.sort() };
}

/** True when the two halves make a route (routeFromEni's `ok`). */
export function joinHalves(f: ForwardHalf, b: BackHalf): boolean {
  switch (f.kind) {
    case 'fail':
      return false;
    case 'local':
      return b.kind === 'local';
    case 'pcx':
      return b.kind === 'pcx' && b.id === f.id;
    case 'tgw':
      return b.kind === 'tgw' && b.tgw === f.tgw && b.returns.includes(f.xout);
  }
}

/** A canonical string of a half: halves with equal keys join alike with every half of the other end. */
export function halfKey(h: ForwardHalf | BackHalf): string {
  switch (h.kind) {
    case 'fail':
    case 'local':
      return h.kind;
    case 'pcx':
      return `pcx:${h.id}`;
    case 'tgw':
      // The entry attachment is the source VPC's on the TGW, which the back half names too: not part of the key.
      return 'xout' in h ? `tgw:${h.tgw}:${h.xout}` : `tgw:${h.tgw}:${h.returns.join(',')}`;
  }
}

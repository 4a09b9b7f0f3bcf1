/**
 * The Kubernetes pipeline's tiers around NetworkPolicy: the admin tier before it, the baseline tier after
 * it (verdict.ts says how they compose). Absent when the input has no cluster-scoped policies, so the
 * NetworkPolicy-only engine runs exactly as before.
 */
import type { Direction, Inventory } from '../../inventory/types.js';
import type { IpRange } from '../../model/address.js';
import type { NetworkPolicyLayer, Target } from '../k8s/network-policy-layer.js';
import { PortSet } from '../../model/port-set.js';
import { AdminTierModel } from './k8s-admin/index.js';
import { composeSide, type TierAnswer } from './verdict.js';

export class KubernetesTiers {
  readonly admin: AdminTierModel;
  readonly baseline: AdminTierModel;
  private sigs?: string[];

  private constructor(
    inventory: Inventory,
    readonly layer: NetworkPolicyLayer,
    base?: KubernetesTiers,
  ) {
    if (base) {
      this.admin = base.admin;
      this.baseline = base.baseline;
      this.sigs = base.sigs;
      return;
    }
    const bn = (b: Parameters<NetworkPolicyLayer['blockNumber']>[0]): number => layer.blockNumber(b);
    this.admin = new AdminTierModel('admin', inventory, layer.classes, layer.index, bn);
    this.baseline = new AdminTierModel('baseline', inventory, layer.classes, layer.index, bn);
  }

  /**
   * The tiers of an inventory, or undefined when it has no admin or baseline policy. With `base`, the
   * tiers of the analysis this one derives from: its compiled tiers are taken over when nothing they
   * depend on changed (the same admin policies and nodes, and the layer kept the base's pod classes).
   */
  static of(inventory: Inventory, layer: NetworkPolicyLayer, base?: KubernetesTiers): KubernetesTiers | undefined {
    if (!inventory.adminPolicies || inventory.adminPolicies.length === 0) return undefined;
    const b = base?.layer.inventory;
    const reusable = base !== undefined && layer.reusedClasses && b!.adminPolicies === inventory.adminPolicies && b!.nodes === inventory.nodes && b!.namespaces === inventory.namespaces;
    return new KubernetesTiers(inventory, layer, reusable ? base : undefined);
  }

  /** Per class: what tells it apart from others for these tiers (joined into the behaviour key). */
  signature(cls: number): string {
    return this.signatures()[cls]!;
  }

  private signatures(): string[] {
    if (!this.sigs) {
      const a = this.admin.signatures();
      const b = this.baseline.signatures();
      this.sigs = a.map((x, i) => `${x}/${b[i]}`);
    }
    return this.sigs;
  }

  /** True when an admin or baseline rule applies to the class in this direction. */
  touches(dir: Direction, cls: number): boolean {
    return this.admin.applies(dir, cls) || this.baseline.applies(dir, cls);
  }

  /** Address boundaries the tiers' rules cut the outside into. */
  cuts(): IpRange[] {
    return [...this.admin.cuts(), ...this.baseline.cuts()];
  }

  /** The answers of the admin and baseline tiers at a class for traffic with `other` (uniform: one block or class). */
  answers(dir: Direction, self: number, other: Target): { readonly admin: TierAnswer; readonly baseline: TierAnswer } {
    return { admin: this.admin.decide(dir, self, other), baseline: this.baseline.decide(dir, self, other) };
  }

  /** One direction's verdict at a class, NetworkPolicy's answer given (`np`, with whether it isolates). */
  side(dir: Direction, self: number, other: Target, np: PortSet): PortSet {
    const { admin, baseline } = this.answers(dir, self, other);
    const cls = this.layer.classes[self]!;
    const isolated = !cls.hostNetwork && this.layer.isolated(dir, self);
    return composeSide(admin, isolated, isolated ? np : PortSet.ALL, baseline);
  }

  /**
   * Allowed between two targets: an address range is cut wherever an ipBlock or an admin range starts or
   * ends, and gets what every piece gets (the per-pair walk the matrix is held to).
   */
  allowed(src: Target, dst: Target): PortSet {
    const addr = src.kind === 'address' ? src.range : dst.kind === 'address' ? dst.range : undefined;
    if (!addr) return this.allowedUniform(src, dst);
    let s = PortSet.ALL;
    for (const range of this.pieces(addr)) {
      const t: Target = { kind: 'address', range };
      s = s.intersect(this.allowedUniform(src.kind === 'address' ? t : src, dst.kind === 'address' ? t : dst));
      if (s.isEmpty()) break;
    }
    return s;
  }

  private cutPoints?: Map<number, bigint[]>;

  /** The range cut where any ipBlock, except or admin range starts or just ends. */
  private pieces(r: IpRange): IpRange[] {
    if (!this.cutPoints) {
      const sets = new Map<number, Set<bigint>>();
      const add = (x: IpRange): void => {
        let s = sets.get(x.family);
        if (!s) sets.set(x.family, (s = new Set()));
        s.add(x.lo);
        s.add(x.hi + 1n);
      };
      for (const b of this.layer.allIpBlocks) for (const x of [b.cidr.range, ...b.except.map((e) => e.range)]) add(x);
      for (const x of this.cuts()) add(x);
      this.cutPoints = new Map([...sets].map(([f, s]) => [f, [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))]));
    }
    const out: IpRange[] = [];
    let lo = r.lo;
    for (const p of this.cutPoints.get(r.family) ?? []) {
      if (p <= lo || p > r.hi) continue;
      out.push({ family: r.family, lo, hi: p - 1n });
      lo = p;
    }
    out.push({ family: r.family, lo, hi: r.hi });
    return out;
  }

  /** Allowed between two targets, one uniform piece (a class and a class, or a class and an address range no rule cuts). */
  allowedUniform(src: Target, dst: Target): PortSet {
    let s = PortSet.ALL;
    if (src.kind === 'class') s = this.side('egress', src.index, dst, this.layer.egressAllowed(src.index, dst));
    if (s.isEmpty()) return s;
    if (dst.kind === 'class') s = s.intersect(this.side('ingress', dst.index, src, this.layer.ingressAllowed(dst.index, src)));
    return s;
  }
}

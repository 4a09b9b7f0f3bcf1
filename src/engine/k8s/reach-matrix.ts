/**
 * The whole NetworkPolicy reachability of a snapshot over "behaviours": pod classes that no policy tells
 * apart (same selecting policies, same peer memberships, same resolution of the named ports the rules
 * use) share one behaviour, so rows are computed on far fewer columns than pods.
 *
 * Nothing quadratic is stored: a row (one source behaviour to every destination) is assembled on demand
 * from the rules that mention the source, into typed arrays of interned PortSet ids (port-table.ts):
 *   egress side   sparse: only the peers of the source's egress rules, when it is egress-isolated;
 *   ingress side  a precomputed base (ALL for destinations nobody isolates, what peer-less rules admit
 *                 otherwise) plus the ingress rules whose peers contain the source.
 */
import { indexOfSorted } from '../../util/sorted-search.js';
import type { IpRange } from '../../model/address.js';
import { ALL_ID, NONE_ID, PortTable } from '../port-table.js';
import { ipBlockKey, ipBlockRanges, mergeRanges, modelledFamilies, sweep, type ExternalBlock } from './address-space.js';
import type { Inventory, PolicyRule } from '../../inventory/types.js';
import type { CompiledRule, NetworkPolicyLayer } from './network-policy-layer.js';
import { nodeKey, type PodClass } from './pod-classes.js';
import type { KubernetesTiers } from '../tiers/index.js';
import { refineBlocks, TieredRows, type IngressSig, type NpSides } from './tiered-rows.js';

const EMPTY = new Int32Array(0);

export class ReachMatrix {
  readonly ports: PortTable;
  /** Level-1 class index to behaviour id. */
  readonly behaviourOf: Int32Array;
  /** Number of behaviours. */
  readonly size: number;
  /** A class standing for each behaviour. */
  readonly repClass: Int32Array;
  /** External address blocks, in address order (IPv4 first). */
  blocks: ExternalBlock[] = [];
  /** Scratch marks of the tiered rows: destinations some NetworkPolicy ingress rule admits the source to. */
  private npMark?: Uint8Array;
  /** Rows composed with the admin and baseline tiers, when the inventory has cluster-scoped policies. */
  private readonly tiered?: TieredRows;
  /** The admin policies the behaviours were cut for (a derived matrix reuses them only under the same ones). */
  private readonly adminPolicies: Inventory['adminPolicies'];
  private readonly isoE: Uint8Array;
  private readonly isoI: Uint8Array;
  /** Ingress side before any source-specific rule: ALL where not isolated, peer-less rules' ports otherwise. */
  private readonly base: Uint32Array;
  /** Per rule id: the behaviours its peers contain. */
  private readonly peersB: Int32Array[] = [];
  /** Per policy index: the behaviours its podSelector selects. */
  private readonly selB: Int32Array[] = [];
  private readonly policyIndex: Map<unknown, number>;
  /** Per behaviour: ingress rules (of ingress-isolating policies, with peers) whose peers contain it. */
  private readonly inbound: CompiledRule[][];
  private readonly namedSig: Int32Array;
  /** Port id of a rule with named ports towards a named-port signature: by rule id, then signature (small integers, no key made). */
  private readonly namedCache: (Map<number, number> | undefined)[] = [];
  /** Per rule id without named ports: the port id of its fixed ports. */
  private readonly fixedIds: number[] = [];
  /** Per behaviour: egress / ingress profile index into eAddr / iAddr, or -1 (no address-relevant rule). */
  private readonly addrE: Int32Array;
  private readonly addrI: Int32Array;
  private readonly eAddr: Uint32Array[] = [];
  private readonly iAddr: Uint32Array[] = [];
  private readonly eS: Uint32Array;
  private readonly iS: Uint32Array;
  private readonly mark: Uint8Array;

  /** Address-relevant rules (peer-less or with ipBlocks), by their PolicyRule, and profile keys: reused by derived matrices. */
  /** Class lists (rule peers, policy selections) mapped to behaviours, by list identity. */
  private readonly behByList = new Map<readonly number[], Int32Array>();
  /** Number of classes per behaviour. */
  private readonly behSize: Int32Array;
  private addrRuleList: readonly PolicyRule[] = [];
  private ruleNo = new Map<PolicyRule, number>();
  private eKeys = new Map<string, number>();
  private iKeys = new Map<string, number>();
  private usedKey = '';

  constructor(
    readonly layer: NetworkPolicyLayer,
    ports = new PortTable(),
    baseIn?: ReachMatrix,
    tiers?: KubernetesTiers,
  ) {
    // Behaviours and blocks depend on the tiers too: a base is reusable only under the same admin policies.
    const base = baseIn && baseIn.adminPolicies === layer.inventory.adminPolicies ? baseIn : undefined;
    this.adminPolicies = layer.inventory.adminPolicies;
    this.ports = ports;
    const classes = layer.classes;
    const n = classes.length;
    this.policyIndex = new Map(layer.inventory.policies.map((p, i) => [p, i]));

    // How each class resolves every named port some rule uses.
    const used = new Map<string, { name: string; protocol: string }>();
    for (const r of layer.rules) for (const np of r.namedPorts) used.set(`${np.protocol}/${String(np.port)}`, { name: String(np.port), protocol: np.protocol });
    const usedList = [...used.values()];
    this.usedKey = [...used.keys()].sort().join(',');
    const sameClasses = base !== undefined && layer.reusedClasses && base.layer.classes.length === n;
    const namedReused = sameClasses && base.usedKey === this.usedKey;
    const sigIds = new Map<string, number>();
    this.namedSig = namedReused ? base.namedSig : new Int32Array(n);
    // Classes of one workload share their ports array: its key is made once.
    const keyOfPorts = new Map<PodClass['ports'], string>();
    if (!namedReused) for (const c of classes) {
      let key = '';
      if (usedList.length > 0) {
        const known = keyOfPorts.get(c.ports);
        if (known !== undefined) key = known;
        else keyOfPorts.set(c.ports, (key = usedList.map((u) => c.ports.filter((p) => p.name === u.name && p.protocol === u.protocol).map((p) => p.port).join('.')).join(',')));
      }
      let id = sigIds.get(key);
      if (id === undefined) sigIds.set(key, (id = sigIds.size));
      this.namedSig[c.index] = id;
    }

    // Behaviours. A derived matrix keeps its base's partition when every peer or selection list it has
    // not seen before is a union of whole behaviours: members then still agree on every current policy
    // (possibly finer than needed, never coarser).
    let reused = false;
    if (namedReused) {
      const fresh: (readonly number[])[] = [];
      for (const r of layer.rules) if (!r.allPeers && r.peerList.length > 0 && !base.behByList.has(r.peerList)) fresh.push(r.peerList);
      for (const l of layer.selectedBy) if (l.length > 0 && !base.behByList.has(l)) fresh.push(l);
      reused = fresh.every((l) => base.aligned(l));
    }
    let reps: readonly number[];
    if (reused) {
      this.behaviourOf = base!.behaviourOf;
      reps = Array.from(base!.repClass);
      this.behSize = base!.behSize;
    } else {
      // Peer groups: rules sharing one peer list (the selector index hands out the same array).
      const groupOf = new Map<readonly number[], number>();
      const memberGroups: number[][] = classes.map(() => []);
      for (const r of layer.rules) {
        if (r.allPeers || r.peerList.length === 0 || groupOf.has(r.peerList)) continue;
        const g = groupOf.size;
        groupOf.set(r.peerList, g);
        for (const c of r.peerList) memberGroups[c]!.push(g);
      }
      const behByKey = new Map<string, number>();
      this.behaviourOf = new Int32Array(n);
      const rs: number[] = [];
      const polIdx = (ps: readonly unknown[]): string => ps.map((p) => this.policyIndex.get(p)).join(',');
      for (const c of classes) {
        const i = c.index;
        // The node a class runs on (nodeKey) matters to the node rule, which users of behaviours add.
        const key = `${c.hostNetwork ? 1 : 0}|${nodeKey(c.pods[0]!)}|${this.namedSig[i]}|${polIdx(layer.selecting.egress[i]!)}|${polIdx(layer.selecting.ingress[i]!)}|${memberGroups[i]!.join(',')}${tiers ? `|${tiers.signature(i)}` : ''}`;
        let b = behByKey.get(key);
        if (b === undefined) {
          behByKey.set(key, (b = rs.length));
          rs.push(i);
        }
        this.behaviourOf[i] = b;
      }
      reps = rs;
      this.behSize = new Int32Array(rs.length);
      for (let i = 0; i < n; i++) this.behSize[this.behaviourOf[i]!]!++;
    }
    const B = reps.length;
    this.size = B;
    this.repClass = Int32Array.from(reps);
    this.isoE = new Uint8Array(B);
    this.isoI = new Uint8Array(B);
    for (let b = 0; b < B; b++) {
      this.isoE[b] = layer.isolated('egress', reps[b]!) ? 1 : 0;
      this.isoI[b] = layer.isolated('ingress', reps[b]!) ? 1 : 0;
    }

    const seen = new Uint8Array(B);
    const buf = new Int32Array(B);
    const toBeh = (list: readonly number[]): Int32Array => {
      if (list.length === 0) return EMPTY;
      let out = this.behByList.get(list);
      if (out) return out;
      out = reused ? base!.behByList.get(list) : undefined;
      if (!out) {
        let k = 0;
        for (const c of list) {
          const b = this.behaviourOf[c]!;
          if (!seen[b]) {
            seen[b] = 1;
            buf[k++] = b;
          }
        }
        out = buf.slice(0, k).sort();
        for (const b of out) seen[b] = 0;
      }
      this.behByList.set(list, out);
      return out;
    };
    for (const r of layer.rules) this.peersB[r.id] = r.allPeers ? EMPTY : toBeh(r.peerList);
    layer.inventory.policies.forEach((_, pi) => (this.selB[pi] = toBeh(layer.selectedBy[pi] ?? [])));

    // Ingress: the base row and, per source behaviour, the rules that admit it somewhere.
    this.base = new Uint32Array(B);
    for (let b = 0; b < B; b++) this.base[b] = this.isoI[b] ? NONE_ID : ALL_ID;
    this.inbound = Array.from({ length: B }, () => []);
    for (const r of layer.rules) {
      if (r.direction !== 'ingress' || !r.policy.isolates.ingress) continue;
      const sel = this.selB[this.policyIndex.get(r.policy)!]!;
      if (r.allPeers) {
        for (const d of sel) this.base[d] = this.ports.union(this.base[d]!, this.portsTo(r, d));
      } else {
        for (const s of this.peersB[r.id]!) this.inbound[s]!.push(r);
      }
    }

    this.addrE = new Int32Array(B).fill(-1);
    this.addrI = new Int32Array(B).fill(-1);
    const blocksReused = this.externals(namedReused ? base : undefined);
    this.eS = new Uint32Array(B);
    this.iS = new Uint32Array(B);
    this.mark = new Uint8Array(B);
    if (tiers) {
      // The base's blocks were already cut by the same tiers' ranges: they stand, and so do its tier indexes.
      const sameTiers = base?.tiered !== undefined && base.tiered.tiers.admin === tiers.admin && base.tiered.tiers.baseline === tiers.baseline;
      if (!(blocksReused && sameTiers)) {
        // Admin networks and node addresses cut the outside further; a piece keeps its parent's NetworkPolicy answers.
        const { blocks, parent } = refineBlocks(this.blocks, tiers.cuts());
        if (blocks.length !== this.blocks.length) {
          this.blocks = blocks;
          remapColumns(this.eAddr, parent);
          remapColumns(this.iAddr, parent);
        }
      }
      const reusable = sameTiers && blocksReused && reused ? base.tiered : undefined;
      this.tiered = new TieredRows(tiers, this.npSides(toBeh), this.ports, reusable);
    }
  }

  /** NetworkPolicy's own sides, which the tiered rows compose with the admin and baseline tiers. */
  private npSides(toBeh: (list: readonly number[]) => Int32Array): NpSides {
    return {
      size: this.size,
      blocks: this.blocks,
      repClass: this.repClass,
      toBehaviours: toBeh,
      isolatedE: (s) => this.isoE[s] === 1,
      isolatedI: (d) => this.isoI[d] === 1,
      npToBlock: (s, x) => this.npToBlock(s, x),
      npFromBlock: (x, d) => this.npFromBlock(x, d),
      egressProfile: (s) => this.addrE[s]!,
      npBlocksInto: (s, out) => this.npBlocksInto(s, out, 0),
    };
  }

  /** True when a list of classes is a union of whole behaviours. */
  private aligned(list: readonly number[]): boolean {
    const count = new Map<number, number>();
    for (const c of list) {
      const b = this.behaviourOf[c]!;
      count.set(b, (count.get(b) ?? 0) + 1);
    }
    for (const [b, k] of count) if (k !== this.behSize[b]) return false;
    return true;
  }

  /** Port id a rule admits towards destination behaviour d (named ports resolved against it). */
  private portsTo(r: CompiledRule, d: number): number {
    // PortTable.id builds the set's key string: once per rule, not once per cell.
    if (r.namedPorts.length === 0) return (this.fixedIds[r.id] ??= this.ports.id(r.fixedPorts));
    const c = this.repClass[d]!;
    const sig = this.namedSig[c]!;
    let bySig = this.namedCache[r.id];
    if (!bySig) this.namedCache[r.id] = bySig = new Map();
    let id = bySig.get(sig);
    if (id === undefined) {
      id = this.ports.id(this.layer.rulePorts(r, { kind: 'class', index: c }));
      bySig.set(sig, id);
    }
    return id;
  }

  /**
   * Address atoms grouped into the fewest contiguous blocks that behave alike. Only "profiles" (the rule
   * lists of a direction) with a rule that can match an address vary between atoms; the rest are NONE.
   */
  private externals(base?: ReachMatrix): boolean {
    const layer = this.layer;
    const B = this.size;
    const isAddr = (r: CompiledRule): boolean => r.allPeers || r.ipBlocks.length > 0;
    const addrRules = layer.rules.filter(isAddr);
    // When the address-relevant rules are the very same objects, atoms and per-profile vectors stand.
    const reuse = base !== undefined && base.addrRuleList.length === addrRules.length && addrRules.every((r, i) => r.rule === base.addrRuleList[i]);
    this.addrRuleList = addrRules.map((r) => r.rule);
    this.ruleNo = reuse ? base.ruleNo : new Map(addrRules.map((r, i) => [r.rule, i]));
    const profiles = (dir: 'egress' | 'ingress', out: Int32Array, byKey: Map<string, number>, fixed: boolean): CompiledRule[][] | undefined => {
      const list: CompiledRule[][] = [];
      for (let b = 0; b < B; b++) {
        const c = this.repClass[b]!;
        if (!(dir === 'egress' ? this.isoE[b] : this.isoI[b])) continue;
        const rules = layer.classRules[dir][c]!.filter(isAddr);
        if (rules.length === 0) continue;
        const key = `${rules.map((r) => this.ruleNo.get(r.rule)).join(',')}|${dir === 'ingress' ? this.namedSig[c] : ''}`;
        let p = byKey.get(key);
        if (p === undefined) {
          if (fixed) return undefined;
          byKey.set(key, (p = list.length));
          list.push(rules);
        }
        out[b] = p;
      }
      return list;
    };
    if (reuse && profiles('egress', this.addrE, base.eKeys, true) && profiles('ingress', this.addrI, base.iKeys, true)) {
      this.eKeys = base.eKeys;
      this.iKeys = base.iKeys;
      this.blocks.push(...base.blocks);
      this.eAddr.push(...base.eAddr);
      this.iAddr.push(...base.iAddr);
      return true;
    }
    this.addrE.fill(-1);
    this.addrI.fill(-1);
    const eProf = profiles('egress', this.addrE, this.eKeys, false)!;
    const iProf = profiles('ingress', this.addrI, this.iKeys, false)!;
    // A representative destination per ingress profile, for named ports.
    const iRep = new Int32Array(iProf.length);
    for (let b = 0; b < B; b++) if (this.addrI[b]! >= 0) iRep[this.addrI[b]!] = b;

    // What each ipBlock rule matches, as sorted disjoint ranges: the union of its blocks less their excepts.
    // Identical blocks (policies repeat them) are cut once.
    const blockRanges = new Map<string, IpRange[]>();
    const setOf = new Map<CompiledRule, number>();
    const sets: IpRange[][] = [];
    /** Per rule set: (profile, slot) pairs whose count it moves; ingress profiles come after the E egress ones. */
    const users: Array<Array<[number, number]>> = [];
    const E = eProf.length;
    const P = E + iProf.length;
    /** Per profile: what rules matching every address give, the distinct port ids of its ipBlock rules, their live counts. */
    const always = new Uint32Array(P);
    const slotIds: number[][] = [];
    const counts: Int32Array[] = [];
    for (let p = 0; p < P; p++) {
      const rules = p < E ? eProf[p]! : iProf[p - E]!;
      const ids: number[] = [];
      const slotOf = new Map<number, number>();
      const use: Array<[number, number]> = [];
      let all = NONE_ID;
      for (const r of rules) {
        const id = p < E ? this.ports.id(r.fixedPorts) : this.portsTo(r, iRep[p - E]!);
        if (r.allPeers) {
          all = this.ports.union(all, id);
          continue;
        }
        let set = setOf.get(r);
        if (set === undefined) {
          const parts: IpRange[] = [];
          for (const b of r.ipBlocks) {
            const k = ipBlockKey(b);
            let rs = blockRanges.get(k);
            if (!rs) blockRanges.set(k, (rs = ipBlockRanges(b)));
            parts.push(...rs);
          }
          setOf.set(r, (set = sets.length));
          sets.push(mergeRanges(parts));
          users.push([]);
        }
        let slot = slotOf.get(id);
        if (slot === undefined) slotOf.set(id, (slot = ids.push(id) - 1));
        use.push([set, slot]);
      }
      always[p] = all;
      slotIds.push(ids);
      counts.push(new Int32Array(ids.length));
      for (const [set, slot] of use) users[set]!.push([p, slot]);
    }
    // Sweep the address space in order: where a rule's ranges start or end, only the profiles holding
    // that rule can change; a block ends where some profile's value does.
    /** Per profile: the value since the block `since[p][k]` was started, `vals[p][k]`. */
    const since: number[][] = Array.from({ length: P }, () => []);
    const vals: number[][] = Array.from({ length: P }, () => []);
    const cur = Uint32Array.from(always);
    const inside = new Uint8Array(sets.length);
    const dirty = new Uint8Array(P);
    for (const family of modelledFamilies(layer.allIpBlocks, layer.inventory)) {
      // Each family starts outside every set (a range reaching the family's last address never ends).
      inside.fill(0);
      for (const c of counts) c.fill(0);
      cur.set(always);
      let open: IpRange | undefined;
      for (const piece of sweep(family, sets)) {
        const touched: number[] = [];
        for (const set of piece.flipped) {
          const d = inside[set] ? -1 : 1;
          inside[set] ^= 1;
          for (const [p, slot] of users[set]!) {
            counts[p]![slot]! += d;
            if (!dirty[p]) {
              dirty[p] = 1;
              touched.push(p);
            }
          }
        }
        const changed: number[] = [];
        for (const p of touched) {
          dirty[p] = 0;
          let v = always[p]!;
          const c = counts[p]!;
          for (let j = 0; j < c.length; j++) if (c[j]! > 0) v = this.ports.union(v, slotIds[p]![j]!);
          if (v !== cur[p]) {
            cur[p] = v;
            changed.push(p);
          }
        }
        if (open && changed.length === 0) {
          open = { family, lo: open.lo, hi: piece.hi };
          continue;
        }
        if (open) this.blocks.push({ range: open });
        const x = this.blocks.length;
        // A family's first block records every profile; later ones only what changed.
        for (const p of open ? changed : Array.from({ length: P }, (_, i) => i)) {
          since[p]!.push(x);
          vals[p]!.push(cur[p]!);
        }
        open = { family, lo: piece.lo, hi: piece.hi };
      }
      if (open) this.blocks.push({ range: open });
    }
    const X = this.blocks.length;
    for (let p = 0; p < P; p++) {
      const row = new Uint32Array(X);
      const at = since[p]!;
      for (let k = 0; k < at.length; k++) row.fill(vals[p]![k]!, at[k]!, k + 1 < at.length ? at[k + 1]! : X);
      (p < E ? this.eAddr : this.iAddr).push(row);
    }
    return false;
  }

  /** The ingress base: a row rowInto says is `fromBase` has these values outside the columns it lists (read only). */
  get ingressBase(): Readonly<Uint32Array> {
    return this.base;
  }

  /** Port id from source behaviour s to destination behaviour d. */
  cell(s: number, d: number): number {
    if (this.tiered) return this.tiered.cell(s, d);
    const t = this.ports;
    let e = ALL_ID;
    if (this.isoE[s]) {
      e = NONE_ID;
      const dc = this.repClass[d]!;
      for (const r of this.layer.classRules.egress[this.repClass[s]!]!) {
        if (r.allPeers || r.hasPeer(dc)) e = t.union(e, this.portsTo(r, d));
      }
      if (e === NONE_ID) return NONE_ID;
    }
    if (!this.isoI[d]) return e;
    let i = NONE_ID;
    const sc = this.repClass[s]!;
    for (const r of this.layer.classRules.ingress[this.repClass[d]!]!) {
      if (r.allPeers || r.hasPeer(sc)) i = t.union(i, this.portsTo(r, d));
    }
    return t.meet(e, i);
  }

  /** Port id from behaviour s to external block x. */
  toBlock(s: number, x: number): number {
    return this.tiered ? this.tiered.toBlock(s, x) : this.npToBlock(s, x);
  }

  /** Port id from external block x to behaviour d. */
  fromBlock(x: number, d: number): number {
    return this.tiered ? this.tiered.fromBlock(x, d) : this.npFromBlock(x, d);
  }

  /**
   * A code for behaviour b's connections to (egress) or from (ingress) every block: behaviours with the same
   * code have the same toBlock / fromBlock for every block. Undefined when the admin and baseline tiers
   * compose the rows (their blocks are decided per behaviour).
   */
  blockProfile(dir: 'egress' | 'ingress', b: number): number | undefined {
    if (this.tiered) return undefined;
    if (!(dir === 'egress' ? this.isoE : this.isoI)[b]) return -2;
    return (dir === 'egress' ? this.addrE : this.addrI)[b]!;
  }

  /** NetworkPolicy's egress side from behaviour s to block x. */
  private npToBlock(s: number, x: number): number {
    if (!this.isoE[s]) return ALL_ID;
    const p = this.addrE[s]!;
    return p < 0 ? NONE_ID : this.eAddr[p]![x]!;
  }

  /** NetworkPolicy's ingress side of behaviour d from block x. */
  private npFromBlock(x: number, d: number): number {
    if (!this.isoI[d]) return ALL_ID;
    const p = this.addrI[d]!;
    return p < 0 ? NONE_ID : this.iAddr[p]![x]!;
  }

  /**
   * Fills `out` (length size + blocks) with the row of source behaviour s: every behaviour, then every
   * block. Returns the behaviours where the row may differ from its default: the ingress base when
   * `fromBase` (s is not egress-isolated; then blocks are ALL unless listed too, as where the admin or
   * baseline tier decides s's egress), NONE otherwise; counting over them is O(rules), not O(size).
   */
  rowInto(s: number, out: Uint32Array): { fromBase: boolean; touched: number[] } {
    const B = this.size;
    if (this.tiered) {
      const { fromBase, changed, sig, blocks } = this.tieredRowInto(s, out);
      if (!fromBase) return { fromBase, touched: changed };
      // Relative to NetworkPolicy's base, the signature's columns count too, and the blocks where the tiers
      // decide this source's egress; few callers ask.
      const X = this.blocks.length;
      return {
        fromBase,
        get touched(): number[] {
          const seen = new Set(changed);
          const out = [...changed, ...Array.from(sig.touched).filter((d) => !seen.has(d))];
          if (blocks) for (let x = 0; x < X; x++) out.push(B + x);
          return out;
        },
      };
    }
    if (!this.isoE[s]) {
      out.set(this.base, 0);
      const r = this.npTouchedInto(s, out);
      out.fill(ALL_ID, B);
      return r;
    }
    out.fill(NONE_ID, 0, B);
    const r = this.npTouchedInto(s, out);
    const p = this.addrE[s]!;
    if (p < 0) out.fill(NONE_ID, B);
    else out.set(this.eAddr[p]!, B);
    return r;
  }

  /**
   * rowInto's behaviour columns without the defaults: `out` (length size + blocks, as for rowInto) holds
   * the row at the touched behaviours it returns, and only there is it meaningful (every other behaviour
   * column of the row is its default: the ingress base when `fromBase`, NONE otherwise). For callers that
   * read a few columns of many rows: filling all of them per row costs O(size) where the rules touch a handful.
   */
  touchedInto(s: number, out: Uint32Array): { fromBase: boolean; touched: number[] } {
    if (!this.tiered) return this.npTouchedInto(s, out);
    const r = this.rowInto(s, out);
    const B = this.size;
    return { fromBase: r.fromBase, touched: r.touched.filter((d) => d < B) };
  }

  /** touchedInto without the tiers. */
  private npTouchedInto(s: number, out: Uint32Array): { fromBase: boolean; touched: number[] } {
    const t = this.ports;
    const inbound = this.inbound[s]!;
    if (!this.isoE[s]) {
      const touched: number[] = [];
      const mark = this.mark;
      const base = this.base;
      for (const r of inbound) {
        for (const d of this.selB[this.policyIndex.get(r.policy)!]!) {
          if (!mark[d]) {
            mark[d] = 1;
            touched.push(d);
            out[d] = base[d]!;
          }
          out[d] = t.union(out[d]!, this.portsTo(r, d));
        }
      }
      for (const d of touched) mark[d] = 0;
      return { fromBase: true, touched };
    }
    const B = this.size;
    const { eS, iS, mark } = this;
    const touched: number[] = [];
    for (const r of this.layer.classRules.egress[this.repClass[s]!]!) {
      if (r.allPeers) {
        for (let d = 0; d < B; d++) {
          if (!mark[d]) {
            mark[d] = 1;
            touched.push(d);
          }
          eS[d] = t.union(eS[d]!, this.portsTo(r, d));
        }
      } else {
        for (const d of this.peersB[r.id]!) {
          if (!mark[d]) {
            mark[d] = 1;
            touched.push(d);
          }
          eS[d] = t.union(eS[d]!, this.portsTo(r, d));
        }
      }
    }
    for (const d of touched) iS[d] = this.base[d]!;
    for (const r of inbound) {
      for (const d of this.selB[this.policyIndex.get(r.policy)!]!) if (mark[d]) iS[d] = t.union(iS[d]!, this.portsTo(r, d));
    }
    for (const d of touched) {
      out[d] = t.meet(eS[d]!, iS[d]!);
      eS[d] = 0;
      mark[d] = 0;
    }
    return { fromBase: false, touched };
  }

  /**
   * rowInto through the admin and baseline tiers, as sparse as without them: a source NetworkPolicy does not
   * isolate starts from the ingress base and changes the columns some rule (NetworkPolicy, admin or baseline,
   * either side) touches; an isolated one is NONE but where its egress side admits something.
   */
  private tieredRowInto(s: number, out: Uint32Array): { fromBase: boolean; changed: number[]; sig: IngressSig; blocks: boolean } {
    const T = this.tiered!;
    const B = this.size;
    const t = this.ports;
    const sig = T.ingressSig(s, this.base, this.isoI);
    const G = sig.group;
    const { ae, be, blocks } = T.egress(s);
    const { eS, iS, mark } = this;
    const changed: number[] = [];
    const inbound = this.inbound[s]!;
    if (this.isoE[s]) {
      // Egress side: NetworkPolicy's rules, then the admin tier on top; elsewhere nothing leaves s.
      for (const r of this.layer.classRules.egress[this.repClass[s]!]!) {
        const cols = r.allPeers ? undefined : this.peersB[r.id]!;
        const n = cols ? cols.length : B;
        for (let k = 0; k < n; k++) {
          const d = cols ? cols[k]! : k;
          if (!mark[d]) ((mark[d] = 1), changed.push(d));
          eS[d] = t.union(eS[d]!, this.portsTo(r, d));
        }
      }
      for (let k = 0; k < ae.cols.length; k++) {
        const c = ae.cols[k]!;
        if (c >= B) break; // blocks come last
        if (!mark[c]) ((mark[c] = 1), changed.push(c));
        eS[c] = t.union(ae.acc[k]!, t.minus(eS[c]!, ae.den[k]!));
      }
      // Ingress side, only where egress admits something: the signature's row, redone where NetworkPolicy rules add.
      for (const d of changed) iS[d] = this.base[d]!;
      const np = (this.npMark ??= new Uint8Array(B));
      for (const r of inbound) for (const d of this.selB[this.policyIndex.get(r.policy)!]!) if (mark[d]) ((np[d] = 1), (iS[d] = t.union(iS[d]!, this.portsTo(r, d))));
      out.fill(NONE_ID, 0, B);
      for (const d of changed) {
        const i = np[d] ? t.union(sig.acc[G[d]!]!, t.minus(iS[d]!, sig.den[G[d]!]!)) : sig.row[d]!;
        np[d] = 0;
        out[d] = t.meet(eS[d]!, i);
        eS[d] = 0;
        mark[d] = 0;
      }
      this.tieredBlocks(s, out, blocks);
      return { fromBase: false, changed, sig, blocks };
    }
    // Not isolated on egress: the signature's row, changed where this source's own rules speak.
    out.set(sig.row, 0);
    for (const r of inbound) {
      for (const d of this.selB[this.policyIndex.get(r.policy)!]!) {
        if (!mark[d]) ((mark[d] = 1), changed.push(d), (iS[d] = this.base[d]!));
        iS[d] = t.union(iS[d]!, this.portsTo(r, d));
      }
    }
    // Those destinations are isolated (ingress-isolating policies select them): no baseline, the admin tier on top.
    for (const d of changed) out[d] = t.union(sig.acc[G[d]!]!, t.minus(iS[d]!, sig.den[G[d]!]!));
    // The egress side where the tiers speak: the admin tier's answers over the baseline's denies (cols sorted).
    const egressAt = (c: number, j: number, k: number): void => {
      if (c >= B) return;
      if (!mark[c]) ((mark[c] = 1), changed.push(c));
      const allow = j >= 0 && be.den[j] !== NONE_ID ? t.minus(ALL_ID, be.den[j]!) : ALL_ID;
      out[c] = t.meet(out[c]!, k >= 0 ? t.union(ae.acc[k]!, t.minus(allow, ae.den[k]!)) : allow);
    };
    for (let j = 0; j < be.cols.length; j++) egressAt(be.cols[j]!, j, ae.cols.length > 0 ? indexOfSorted(ae.cols, be.cols[j]!) : -1);
    for (let k = 0; k < ae.cols.length; k++) egressAt(ae.cols[k]!, be.cols.length > 0 ? indexOfSorted(be.cols, ae.cols[k]!) : -1, k);
    this.tieredBlocks(s, out, blocks);
    for (const d of changed) mark[d] = 0;
    return { fromBase: true, changed, sig, blocks };
  }

  /** The block part of a tiered row: NetworkPolicy's own when no admin or baseline rule of s matches addresses (`tiersSpeak`). */
  private tieredBlocks(s: number, out: Uint32Array, tiersSpeak: boolean): void {
    if (tiersSpeak) out.set(this.tiered!.blockRow(s), this.size);
    else this.npBlocksInto(s, out, this.size);
  }

  /** NetworkPolicy's egress side of s towards every block, into out from `at`. */
  private npBlocksInto(s: number, out: Uint32Array, at: number): void {
    const X = this.blocks.length;
    if (!this.isoE[s]) out.fill(ALL_ID, at, at + X);
    else {
      const p = this.addrE[s]!;
      if (p < 0) out.fill(NONE_ID, at, at + X);
      else out.set(this.eAddr[p]!, at);
    }
  }

  /** rowWeight through the tiers: the signature row's weight, corrected where this source's rules change it. */
  private tieredRowWeight(s: number, weights: Float64Array, out: Uint32Array): number {
    const B = this.size;
    const { fromBase, changed, sig } = this.tieredRowInto(s, out);
    let n = 0;
    for (let x = B; x < out.length; x++) if (out[x] !== NONE_ID) n += weights[x]!;
    if (!fromBase) {
      for (const d of changed) if (out[d] !== NONE_ID) n += weights[d]!;
      return n;
    }
    let w = sig.weights.get(weights);
    if (w === undefined) {
      w = 0;
      for (let d = 0; d < B; d++) if (sig.row[d] !== NONE_ID) w += weights[d]!;
      sig.weights.set(weights, w);
    }
    n += w;
    for (const d of changed) n += weights[d]! * ((out[d] !== NONE_ID ? 1 : 0) - (sig.row[d] !== NONE_ID ? 1 : 0));
    return n;
  }

  private baseList?: Int32Array;
  /** Behaviours the ingress base admits something to, ascending: a `fromBase` row is non-empty there, but for its touched columns. */
  baseTargets(): Int32Array {
    if (!this.baseList) {
      const l: number[] = [];
      for (let d = 0; d < this.size; d++) if (this.base[d] !== NONE_ID) l.push(d);
      this.baseList = Int32Array.from(l);
    }
    return this.baseList;
  }

  /** Σ weights[d] over behaviours d the ingress base admits something to (the default of unisolated rows). */
  baseWeight(weights: Float64Array): number {
    let n = 0;
    for (let d = 0; d < this.size; d++) if (this.base[d] !== NONE_ID) n += weights[d]!;
    return n;
  }

  /**
   * Σ weights[j] over columns j (behaviours, then blocks) the row of s admits something to; `baseWeight`
   * is this.baseWeight(weights). `out` receives the row as rowInto gives it.
   */
  rowWeight(s: number, weights: Float64Array, baseWeight: number, out: Uint32Array): number {
    const B = this.size;
    if (this.tiered) return this.tieredRowWeight(s, weights, out);
    const { fromBase, touched } = this.rowInto(s, out);
    let n = 0;
    for (let x = B; x < out.length; x++) if (out[x] !== NONE_ID) n += weights[x]!;
    if (fromBase) {
      n += baseWeight;
      for (const d of touched) n += weights[d]! * ((out[d] !== NONE_ID ? 1 : 0) - (this.base[d] !== NONE_ID ? 1 : 0));
    } else {
      for (const d of touched) if (out[d] !== NONE_ID) n += weights[d]!;
    }
    return n;
  }

  /**
   * Fills only the block columns of rowInto(s, out) (from `size` on), as rowInto does, without its rules'
   * walk over behaviours: for the listings that read a source's outside ends alone.
   */
  blocksInto(s: number, out: Uint32Array): void {
    if (this.tiered) {
      this.rowInto(s, out);
      return;
    }
    const B = this.size;
    if (!this.isoE[s]) {
      out.fill(ALL_ID, B, B + this.blocks.length);
      return;
    }
    const p = this.addrE[s]!;
    if (p < 0) out.fill(NONE_ID, B, B + this.blocks.length);
    else out.set(this.eAddr[p]!, B);
  }

  /** Fills `out` (length at least size) with port ids from external block x to every behaviour. */
  blockRowInto(x: number, out: Uint32Array): void {
    // Where no admin or baseline ingress rule matches addresses, NetworkPolicy's side is the answer.
    const ranged = this.tiered?.rangedIngressRow();
    const { isoI, addrI, iAddr } = this;
    for (let d = 0; d < this.size; d++) {
      if (ranged && ranged[d]) out[d] = this.tiered!.fromBlock(x, d);
      else if (!isoI[d]) out[d] = ALL_ID;
      else {
        const p = addrI[d]!;
        out[d] = p < 0 ? NONE_ID : iAddr[p]![x]!;
      }
    }
  }
}

/** Each row's columns after blocks were split: piece k takes its parent block's value. */
function remapColumns(rows: Uint32Array[], parent: Int32Array): void {
  const X = parent.length;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const out = new Uint32Array(X);
    for (let k = 0; k < X; k++) out[k] = row[parent[k]!]!;
    rows[i] = out;
  }
}


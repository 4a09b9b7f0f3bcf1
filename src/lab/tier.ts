/**
 * The lab's enforcement tiers: each compiles, for one host and one direction, an nftables chain from the
 * policy objects themselves (never from the engine's answer), so the kernel is a second, independent
 * semantics. Tiers run in order, as in the engine's design: a tier's chain accepts, denies, or falls
 * through (pass) to the next; what every tier passes is accepted.
 */
import type { Direction, Inventory, Labels, Pod } from '../inventory/types.js';

/** A network namespace of the lab standing for a pod or an outside address. */
export interface LabHost {
  /** The check end it stands for: a pod id or an address. */
  readonly key: string;
  /** IPv4 address inside the lab. */
  readonly address: string;
  /** The pod, when the host is one. */
  readonly pod?: Pod;
  /** True when the input gave no address and the lab picked one: no ipBlock can name it. */
  readonly assigned: boolean;
}

/** What a tier sees: the inventory and every host of the lab. */
export interface LabWorld {
  readonly inventory: Inventory;
  readonly hosts: readonly LabHost[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
}

/** One tier's chain for a host and direction: nft rule statements, then what its end does. */
export interface TierChain {
  readonly rules: readonly string[];
  /** accept / deny at the end of the chain, or pass: fall through to the next tier. */
  readonly end: 'accept' | 'deny' | 'pass';
}

/** A tier compiler (NetworkPolicy today; AdminNetworkPolicy and BaselineAdminNetworkPolicy fit here). */
export interface TierCompiler {
  /** Short name, used for the nft chain names (letters, digits, _). */
  readonly name: string;
  compile(host: LabHost, direction: Direction, world: LabWorld): TierChain;
}

/** The nft verdict a denial uses: an ICMP "administratively prohibited", so probes fail at once instead of timing out. */
export const DENY = 'reject with icmpx type admin-prohibited';

/** One host's whole ruleset: a base chain per direction jumping through the tiers; undefined when no tier has rules. */
export function hostRuleset(host: LabHost, tiers: readonly TierCompiler[], world: LabWorld): string | undefined {
  const chains: string[] = [];
  const base: Record<Direction, string[]> = { ingress: [], egress: [] };
  let any = false;
  for (const t of tiers) {
    for (const direction of ['ingress', 'egress'] as const) {
      const c = t.compile(host, direction, world);
      if (c.rules.length === 0 && c.end === 'pass') continue;
      any = true;
      const name = `${t.name}_${direction}`;
      const end = c.end === 'accept' ? ['accept'] : c.end === 'deny' ? [DENY] : [];
      chains.push(`  chain ${name} {\n${[...c.rules, ...end].map((r) => `    ${r}\n`).join('')}  }`);
      base[direction].push(`jump ${name}`);
    }
  }
  if (!any) return undefined;
  const hook = (direction: Direction): string => {
    const [h, dev] = direction === 'ingress' ? ['input', 'iif'] : ['output', 'oif'];
    const lines = [
      `type filter hook ${h} priority 0; policy accept;`,
      `${dev} "lo" accept`,
      // Stateful, as every CNI is: replies of an admitted connection pass both ways.
      'ct state established,related accept',
      // NetworkPolicy speaks of TCP, UDP and SCTP only; ICMP (and the errors a denial sends) passes.
      'meta l4proto { icmp, icmpv6 } accept',
      ...base[direction],
    ];
    return `  chain ${direction} {\n${lines.map((l) => `    ${l}\n`).join('')}  }`;
  };
  return `table inet bulkhead {\n${[...chains, hook('ingress'), hook('egress')].join('\n')}\n}\n`;
}

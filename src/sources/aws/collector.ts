/**
 * np-guard cloud-resource-collector's AWS JSON (one file: `provider: "aws"`, lowercase lists of the same
 * objects describe-* prints). It has no route tables: a main table with each VPC's local route is assumed,
 * and said so in a warning (no path leaves a VPC, so the internet and peers are unreachable).
 */
import type { Diagnostic } from '../../inventory/types.js';
import { formatIp } from '../../model/address.js';
import type { FieldReader } from './fields.js';
import { resourceFor } from './registry.js';
import { COLLECTOR_KEYS as KEYS } from './keys.js';

export { isCollectorDoc } from './keys.js';
import type { SnapshotParts } from './resource.js';

const META = new Set(['provider', 'collector_version', 'config-file-git-sha1']);

/** Reads a collector document into the snapshot parts. */
export function readCollectorDoc(doc: Record<string, unknown>, r: FieldReader, parts: SnapshotParts, diagnostics: Diagnostic[]): void {
  const tablesBefore = parts.routeTables.length;
  const vpcsBefore = parts.vpcs.length;
  for (const [key, value] of Object.entries(doc)) {
    if (META.has(key)) continue;
    if (key === 'instances') {
      // A flat list of describe-instances' Instances: read as one reservation.
      resourceFor('Reservations')!.parse([{ Instances: value }], r, parts);
      continue;
    }
    const res = KEYS[key] ? resourceFor(KEYS[key]!) : undefined;
    if (res) res.parse(value, r, parts);
    else r.report('info', 'aws-unknown-key', `collector list ${key} is not one Bulkhead reads: skipped`, r.at(doc, key));
  }
  if (parts.routeTables.length > tablesBefore) return;
  for (const v of parts.vpcs.slice(vpcsBefore)) {
    parts.routeTables.push({
      id: `rtb-assumed-${v.id}`, vpc: v.id, main: true, subnets: [],
      routes: v.cidrs.map((c) => ({ destination: { kind: 'cidr' as const, cidr: c, text: `${formatIp(c.range.family, c.range.lo)}/${c.prefix}` }, target: { kind: 'local' as const, id: 'local' }, state: 'active' as const, origin: 'static' as const, source: v.source })),
      source: v.source,
    });
  }
  if (parts.vpcs.length > vpcsBefore) {
    diagnostics.push({ severity: 'warning', code: 'aws-assumed-routes', message: `cloud-resource-collector output has no route tables: each VPC is assumed to have only its local route, so no path leaves a VPC (the internet, peers and gateways are not reached)`, source: { file: r.file, line: 1 } });
  }
}

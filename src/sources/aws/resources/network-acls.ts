/** describe-network-acls: `NetworkAcls`. */
import type { NaclEntry } from '../../../inventory/aws/types.js';
import { parseCidr } from '../../../model/address.js';
import { awsTraffic } from '../../../model/traffic-set.js';
import type { Json } from '../fields.js';
import type { AwsResource } from '../resource.js';

export const networkAcls: AwsResource = {
  key: 'NetworkAcls',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'NetworkAcls', value)) {
      const id = r.required(o, 'NetworkAclId', path, 'network ACL');
      const vpc = id && r.required(o, 'VpcId', path, `network ACL ${id}`);
      if (!id || !vpc) continue;
      const inbound: NaclEntry[] = [];
      const outbound: NaclEntry[] = [];
      for (const e of r.objects(o['Entries'], `${path}.Entries`, o)) {
        const n = r.number(e.o, 'RuleNumber');
        const action = e.o['RuleAction'];
        const cidrText = r.optional(e.o, 'CidrBlock') ?? r.optional(e.o, 'Ipv6CidrBlock');
        const cidr = cidrText ? parseCidr(cidrText) : undefined;
        const ports = e.o['PortRange'] as Json | undefined;
        const icmp = e.o['IcmpTypeCode'] as Json | undefined;
        const proto = e.o['Protocol'];
        const isIcmp = proto === '1' || proto === '58' || proto === 'icmp';
        const lo = isIcmp ? (icmp?.['Type'] as number | undefined) : (ports?.['From'] as number | undefined);
        const hi = isIcmp ? (icmp?.['Code'] as number | undefined) : (ports?.['To'] as number | undefined);
        const traffic = typeof proto === 'string' ? awsTraffic(proto, lo, hi) : undefined;
        if (n === undefined || (action !== 'allow' && action !== 'deny') || !cidr || !traffic) {
          const what = n === undefined ? 'RuleNumber' : action !== 'allow' && action !== 'deny' ? 'RuleAction' : !cidr ? 'CidrBlock' : 'Protocol';
          // A skipped deny could hide a block: the entry is reported as an error, not a note.
          r.report('error', 'aws-bad-nacl-entry', `network ACL ${id}: entry without a readable ${what}: skipped`, r.at(e.o, e.path));
          continue;
        }
        const entry: NaclEntry = { ruleNumber: n, action, egress: e.o['Egress'] === true, traffic, cidr, source: r.at(e.o, e.path) };
        (entry.egress ? outbound : inbound).push(entry);
      }
      const byNumber = (a: NaclEntry, b: NaclEntry): number => a.ruleNumber - b.ruleNumber;
      const subnets: string[] = [];
      for (const a of r.objects(o['Associations'], `${path}.Associations`, o)) {
        const s = r.optional(a.o, 'SubnetId');
        if (s) subnets.push(s);
      }
      into.networkAcls.push({ id, vpc, isDefault: r.bool(o, 'IsDefault'), subnets, inbound: inbound.sort(byNumber), outbound: outbound.sort(byNumber), source: r.at(o, path) });
    }
  },
};

/**
 * describe-instances: `Reservations[].Instances[].NetworkInterfaces` (the same ENIs describe-network-interfaces
 * lists, but without their TagSet: kept apart, and used for an ENI no NetworkInterfaces output lists); the
 * instance's `Ipv6Address` is its primary interface's (device index 0) when that one lists none.
 */
import type { Json } from '../fields.js';
import type { AwsResource } from '../resource.js';
import { addInstanceTags } from '../resource.js';
import { readInterface } from './network-interfaces.js';

export const reservations: AwsResource = {
  key: 'Reservations',
  parse(value, r, into) {
    for (const res of r.objects(value, 'Reservations', value)) {
      const owner = r.optional(res.o, 'OwnerId');
      for (const inst of r.objects(res.o['Instances'], `${res.path}.Instances`, res.o)) {
        const az = ((inst.o['Placement'] as Json | undefined)?.['AvailabilityZone'] as string | undefined) ?? undefined;
        const fallback = { subnet: r.optional(inst.o, 'SubnetId'), vpc: r.optional(inst.o, 'VpcId'), az, owner, instanceId: r.optional(inst.o, 'InstanceId') };
        if (fallback.instanceId) addInstanceTags(into, fallback.instanceId, r.tags(inst.o));
        const ipv6 = r.optional(inst.o, 'Ipv6Address');
        for (const n of r.objects(inst.o['NetworkInterfaces'], `${inst.path}.NetworkInterfaces`, inst.o)) {
          const primary = ((n.o['Attachment'] as Json | undefined)?.['DeviceIndex'] ?? 0) === 0;
          const e = readInterface(n.o, n.path, r, { ...fallback, ...(primary && ipv6 ? { ipv6 } : {}) });
          if (e) into.instanceInterfaces.push(e);
        }
      }
    }
  },
};

/** Explaining one AWS path for `explain` and the library: the path answer, narrowed to the ports asked. */
import type { PathAnswer } from '../../engine/cloud/path.js';
import type { PortSet } from '../../model/port-set.js';
import { UserError } from '../../util/errors.js';
import type { AwsAnalysis } from './reach.js';
import { awsNoMatch, trafficOfPorts } from './select.js';

const FORMS = 'Give an ENI id, endpoint id, instance id, Name tag, private or IPv6 address, or an outside IPv4 or IPv6 address at one end.';

/** The error for an end that names nothing in the estate: what did not match, and the interfaces there are. */
export function awsUnmatchedEnd(aws: AwsAnalysis, option: string, spec: string): UserError {
  const interfaces = aws.inventory.interfaces.map((e) => ({ id: e.id, ...(e.tags['Name'] ? { name: e.tags['Name'] } : {}) }));
  return awsNoMatch(option, spec, interfaces, FORMS);
}

/** The AWS path, when the endpoints name an interface of the snapshot (an outside address alone names none). */
export function awsExplanation(aws: AwsAnalysis, from: string, to: string, ports: PortSet | undefined): PathAnswer | undefined {
  const s = aws.endpointOf(from);
  const d = aws.endpointOf(to);
  if (s?.kind !== 'eni' && d?.kind !== 'eni') return undefined;
  const a = aws.explain(from, to);
  if (!s) throw awsUnmatchedEnd(aws, '--from', from);
  if (!d) throw awsUnmatchedEnd(aws, '--to', to);
  if (!a) throw new UserError(`cannot explain ${from} => ${to} in the AWS snapshot: a path needs a network interface at one end`, 'name an ENI id, instance id, Name tag, private or IPv6 address, or an outside IPv4 or IPv6 address');
  if (!ports) return a;
  const t = trafficOfPorts(ports);
  return { ...a, conns: a.conns.intersect(t), responseBlocked: a.responseBlocked.intersect(t) };
}

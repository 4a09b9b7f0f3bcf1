/** aws_internet_gateway (+ _attachment), aws_egress_only_internet_gateway and aws_nat_gateway. */
import type { TfResourceReader } from '../resource.js';
import { PUBLIC_IP_AFTER_APPLY } from './interfaces.js';

export const internetGateways: TfResourceReader = {
  types: ['aws_internet_gateway'],
  phase: 2,
  read(res, t) {
    const vpc = t.value(res, ['vpc_id']);
    if (vpc.kind === 'unknown') t.notKnown(res, ['vpc_id'], `${res.address}: vpc_id is known only after apply and ${vpc.why}: the gateway is taken as attached to no VPC`);
    t.parts.internetGateways.push({ id: t.refs.idOf(res), vpcs: vpc.kind === 'known' ? [vpc.value] : [], source: t.at(res) });
  },
};

export const internetGatewayAttachments: TfResourceReader = {
  types: ['aws_internet_gateway_attachment'],
  phase: 2,
  read(res, t) {
    const gw = t.need(res, 'internet_gateway_id', 'the attachment is skipped');
    const vpc = t.need(res, 'vpc_id', 'the attachment is skipped');
    if (gw && vpc) t.push(t.igwAttachments, gw, vpc);
  },
};

export const egressOnlyGateways: TfResourceReader = {
  types: ['aws_egress_only_internet_gateway'],
  phase: 2,
  read(res, t) {
    const vpc = t.value(res, ['vpc_id']);
    if (vpc.kind === 'unknown') t.notKnown(res, ['vpc_id'], `${res.address}: vpc_id is known only after apply and ${vpc.why}: the gateway is taken as attached to no VPC`);
    t.parts.egressOnlyGateways.push({ id: t.refs.idOf(res), vpcs: vpc.kind === 'known' ? [vpc.value] : [], source: t.at(res) });
  },
};

export const natGateways: TfResourceReader = {
  types: ['aws_nat_gateway'],
  phase: 2,
  read(res, t) {
    const subnetId = t.need(res, 'subnet_id', 'the NAT gateway is skipped');
    if (!subnetId) return;
    const subnet = t.subnet(subnetId);
    const conn = t.value(res, ['connectivity_type']);
    const connectivity = conn.kind === 'known' && conn.value === 'private' ? 'private' : 'public';
    const pub = t.value(res, ['public_ip']);
    const alloc = t.value(res, ['allocation_id']);
    const publicIp = pub.kind === 'known' && !pub.placeholder ? pub.value : alloc.kind === 'known' ? (t.eips.get(alloc.value) ?? PUBLIC_IP_AFTER_APPLY) : undefined;
    const priv = t.value(res, ['private_ip']);
    t.parts.natGateways.push({
      id: t.refs.idOf(res), vpc: subnet?.vpc ?? 'unknown', subnet: subnetId, connectivity, state: 'available',
      ...(priv.kind === 'known' ? { privateIp: priv.value } : {}), ...(connectivity === 'public' && publicIp ? { publicIp } : {}), source: t.at(res),
    });
  },
};

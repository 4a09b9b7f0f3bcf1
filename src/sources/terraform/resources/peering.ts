/**
 * aws_vpc_peering_connection and aws_vpc_peering_connection_accepter. A peering the plan creates is active
 * after apply only when it is accepted: `auto_accept` on either side, or an accepter resource that does.
 */
import type { TfResourceReader } from '../resource.js';

export const peerings: TfResourceReader = {
  types: ['aws_vpc_peering_connection'],
  phase: 2,
  read(res, t) {
    const vpc = t.need(res, 'vpc_id', 'the peering is skipped');
    const peer = t.need(res, 'peer_vpc_id', 'the peering is skipped');
    if (!vpc || !peer) return;
    const own = t.vpc(vpc);
    const ownScope = t.scope(res, own);
    const peerOwner = t.value(res, ['peer_owner_id']);
    const peerRegion = t.value(res, ['peer_region']);
    const other = t.vpc(peer);
    const status = t.value(res, ['accept_status']);
    const id = t.refs.idOf(res);
    const code = status.kind === 'known' ? status.value : t.bool(res, ['auto_accept']) === true ? 'active' : 'pending-acceptance';
    if (status.kind !== 'known') t.pendingPeerings.set(id, { code, res });
    t.parts.peerings.push({
      id, status: code,
      requester: { vpc, account: own?.account ?? ownScope.account, region: own?.region ?? ownScope.region },
      accepter: { vpc: peer, account: peerOwner.kind === 'known' ? peerOwner.value : (other?.account ?? own?.account ?? ownScope.account), region: peerRegion.kind === 'known' ? peerRegion.value : (other?.region ?? own?.region ?? ownScope.region) },
      source: t.at(res),
    });
  },
};

export const peeringAccepters: TfResourceReader = {
  types: ['aws_vpc_peering_connection_accepter'],
  phase: 2,
  read(res, t) {
    const id = t.need(res, 'vpc_peering_connection_id', 'the accepter is skipped');
    if (!id) return;
    const status = t.value(res, ['accept_status']);
    const accepted = status.kind === 'known' ? status.value : t.bool(res, ['auto_accept']) === true ? 'active' : undefined;
    t.accepters.set(id, { res, ...(accepted ? { status: accepted } : {}) });
  },
};

#!/usr/bin/env bash
# Writes a snapshot of an AWS estate with the AWS CLI, in the layout `bulkhead reach DIR` reads and
# `bulkhead collect --aws DIR` writes (docs/aws.md, "Collecting a snapshot"):
#   DIR/<account>/<region>/<output>.json, one `aws ec2 describe-* --output json` output each, and the
#   per-object outputs (TGW routes, associations, propagations; prefix list entries) keyed by object id.
# Only describe-*, get-* and search-* calls (plus sts get-caller-identity, which needs no permission).
# Each region is written to a hidden directory first and moved into place when complete, so a failed run
# never leaves a region half-written.
#
# usage: scripts/collect-aws.sh [--profile P] [--region R ...] DIR
set -euo pipefail

usage() {
  echo "usage: $0 [--profile P] [--region R ...] DIR" >&2
  echo "  --profile P  the AWS CLI profile (default: AWS_PROFILE, else default)" >&2
  echo "  --region R   a region to read, repeatable (default: AWS_REGION or the profile's region)" >&2
}

profile=()
regions=()
dir=''
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) [ $# -ge 2 ] || { usage; exit 2; }; profile=(--profile "$2"); shift 2 ;;
    --profile=*) profile=(--profile "${1#--profile=}"); shift ;;
    --region) [ $# -ge 2 ] || { usage; exit 2; }; regions+=("$2"); shift 2 ;;
    --region=*) regions+=("${1#--region=}"); shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "$0: unknown option $1" >&2; usage; exit 2 ;;
    *) [ -z "$dir" ] || { echo "$0: one directory only" >&2; exit 2; }; dir=$1; shift ;;
  esac
done
[ -n "$dir" ] || { usage; exit 2; }

# "${profile[@]}" of an empty array is an unbound variable before bash 4.4.
awsp() { aws ${profile[@]+"${profile[@]}"} "$@"; }

if [ ${#regions[@]} -eq 0 ]; then
  r=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  [ -n "$r" ] || r=$(awsp configure get region || true)
  [ -n "$r" ] || { echo "$0: no region: give --region R, or set AWS_REGION or the profile's region" >&2; exit 2; }
  regions=("$r")
fi

account=$(awsp sts get-caller-identity --query Account --output text)
case "$account" in
  [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
  *) echo "$0: sts get-caller-identity gave no account id: $account" >&2; exit 2 ;;
esac

mkdir -p "$dir/$account"
work=$(mktemp -d "$dir/$account/.collect.XXXXXX")
trap 'rm -rf "$work"' EXIT

# describe FILE SUBCOMMAND: one output as the CLI prints it (the CLI follows every page itself).
describe() {
  awsp ec2 "$2" --region "$region" --output json > "$out/$1"
}

# ids SUBCOMMAND QUERY: the ids of a list, one a line.
ids() {
  awsp ec2 "$1" --region "$region" --query "$2" --output text | tr '\t' '\n' | grep -v -e '^None$' -e '^$' || true
}

# keyed FILE KEY SUBCOMMAND ID-FLAG LIST IDS-FILE [ARGS...]: {"KEY": {"<id>": [...LIST of SUBCOMMAND for id...]}};
# LIST "-" keeps each whole output (the route search's, whose AdditionalRoutesAvailable says it was cut short).
keyed() {
  local file=$1 key=$2 sub=$3 flag=$4 list=$5 idfile=$6 sep='' id
  shift 6
  local query=(--query "$list || \`[]\`")
  [ "$list" != - ] || query=()
  {
    printf '{\n    "%s": {' "$key"
    while IFS= read -r id; do
      printf '%s\n        "%s": ' "$sep" "$id"
      awsp ec2 "$sub" --region "$region" "$flag" "$id" "$@" ${query[@]+"${query[@]}"} --output json < /dev/null
      sep=','
    done < "$idfile"
    printf '\n    }\n}\n'
  } > "$out/$file"
}

for region in "${regions[@]}"; do
  out="$work/$region"
  mkdir -p "$out"
  echo "reading $region of account $account" >&2
  describe vpcs.json describe-vpcs
  describe subnets.json describe-subnets
  describe route-tables.json describe-route-tables
  describe security-groups.json describe-security-groups
  describe network-acls.json describe-network-acls
  describe network-interfaces.json describe-network-interfaces
  describe instances.json describe-instances
  describe internet-gateways.json describe-internet-gateways
  describe egress-only-internet-gateways.json describe-egress-only-internet-gateways
  describe nat-gateways.json describe-nat-gateways
  describe vpc-peering-connections.json describe-vpc-peering-connections
  describe vpc-endpoints.json describe-vpc-endpoints
  describe transit-gateways.json describe-transit-gateways
  describe transit-gateway-attachments.json describe-transit-gateway-attachments
  describe transit-gateway-vpc-attachments.json describe-transit-gateway-vpc-attachments
  describe transit-gateway-route-tables.json describe-transit-gateway-route-tables
  describe managed-prefix-lists.json describe-managed-prefix-lists
  ids describe-transit-gateway-route-tables 'TransitGatewayRouteTables[].TransitGatewayRouteTableId' > "$work/tgw-rtb.ids"
  ids describe-managed-prefix-lists 'PrefixLists[].PrefixListId' > "$work/pl.ids"
  keyed transit-gateway-routes.json TransitGatewayRouteTableRoutes search-transit-gateway-routes --transit-gateway-route-table-id - "$work/tgw-rtb.ids" \
    --filters Name=type,Values=static,propagated
  keyed transit-gateway-route-table-associations.json TransitGatewayRouteTableAssociations get-transit-gateway-route-table-associations \
    --transit-gateway-route-table-id Associations "$work/tgw-rtb.ids"
  keyed transit-gateway-route-table-propagations.json TransitGatewayRouteTablePropagations get-transit-gateway-route-table-propagations \
    --transit-gateway-route-table-id TransitGatewayRouteTablePropagations "$work/tgw-rtb.ids"
  keyed managed-prefix-list-entries.json ManagedPrefixListEntries get-managed-prefix-list-entries --prefix-list-id Entries "$work/pl.ids"
done

# Every region read: now replace the old ones.
for region in "${regions[@]}"; do
  rm -rf "${dir:?}/$account/$region"
  mv "$work/$region" "$dir/$account/$region"
done
echo "wrote ${#regions[@]} region(s) of account $account to $dir" >&2

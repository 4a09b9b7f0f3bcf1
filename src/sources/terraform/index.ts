/**
 * `terraform show -json` of a state or a plan to the AWS model the describe reader produces: a state's
 * resources, or a plan's after-state (`planned_values`) or its prior state. Values the plan knows only after
 * apply are followed through the configuration's references, else said in a caveat.
 */
import type { AwsInventory } from '../../inventory/aws/types.js';
import type { Diagnostic } from '../../inventory/types.js';
import { parseDocuments } from '../k8s/yaml-documents.js';
import { FieldReader, regionOfZone, type Json } from '../aws/fields.js';
import { emptyParts } from '../aws/resource.js';
import { assemble } from '../aws/snapshot.js';
import { isTerraformDoc, isTerraformPlan, readTerraformDocument, type TfDocument, type TfSide } from './document.js';
import { joinParts } from './join.js';
import { TfReader } from './reader.js';
import { readerFor, UNREAD_NETWORK_TYPES } from './registry.js';
import { Resolver } from './resolve.js';

export { isTerraformDoc, isTerraformPlan, isTerraformPlanText, isTerraformText, type TfSide } from './document.js';

/** The account and region most of the document's resources name: for resources that name neither. */
function documentScope(doc: TfDocument): { account?: string; region?: string } {
  let account: string | undefined;
  let region: string | undefined = doc.providerRegions.get('aws');
  for (const r of doc.resources) {
    const arn = typeof r.values['arn'] === 'string' ? /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):(\d{12}):/.exec(r.values['arn'] as string) : null;
    account ??= typeof r.values['owner_id'] === 'string' ? (r.values['owner_id'] as string) : arn?.[2];
    region ??= (arn?.[1] || undefined) ?? regionOfZone(typeof r.values['availability_zone'] === 'string' ? (r.values['availability_zone'] as string) : undefined);
  }
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** Reads one side of a parsed document (the file's path for diagnostics; its line map when parsed here). */
function readSide(file: string, doc: Json, side: TfSide, lines: ReturnType<typeof parseDocuments>['lines'], diagnostics: Diagnostic[]): AwsInventory {
  const problems: string[] = [];
  const td = readTerraformDocument(doc, side, problems);
  const major = /^(\d+)\./.exec(String(doc['format_version']))?.[1];
  if (major !== '1') diagnostics.push({ severity: 'warning', code: 'tf-format-version', message: `${file}: format_version ${String(doc['format_version'])} is not 1.x, which Bulkhead reads: fields may be misread`, source: { file, line: 1 } });
  if (side === 'planned' && (doc['errored'] === true || doc['complete'] === false)) {
    diagnostics.push({ severity: 'warning', code: 'tf-plan-incomplete', message: `${file}: the plan is ${doc['errored'] === true ? 'from a failed plan run' : 'not complete (deferred changes)'}: its after-state lacks what was not planned`, source: { file, line: 1 } });
  }
  const scope = documentScope(td);
  const r = new FieldReader(file, lines, scope.account, scope.region, diagnostics);
  for (const p of problems) r.report('error', 'tf-bad-document', p, { file, line: 1, path: p.split(' ')[0]! });
  const parts = emptyParts();
  const t = new TfReader(td, new Resolver(td), r, parts);
  const unread = new Map<string, { count: number; first: (typeof td.resources)[number] }>();
  for (const phase of [1, 2] as const) {
    for (const res of td.resources) {
      if (res.mode !== 'managed') continue;
      const reader = readerFor(res.type);
      if (reader?.phase === phase) reader.read(res, t);
      else if (!reader && phase === 1 && res.type.startsWith('aws_')) {
        const u = unread.get(res.type);
        if (u) u.count++;
        else unread.set(res.type, { count: 1, first: res });
      }
    }
  }
  for (const [type, u] of unread) {
    const network = UNREAD_NETWORK_TYPES.has(type);
    t.report(network ? 'warning' : 'info', 'tf-unread-resource', `${u.count} ${type} resource${u.count === 1 ? '' : 's'} (${u.first.address}${u.count > 1 ? ', ...' : ''}) ${network ? 'may put network interfaces in a VPC or change its traffic, and are not read from Terraform: not in the answers' : 'not read (no effect on reachability is modelled)'}`, t.at(u.first));
  }
  joinParts(t);
  const inv = assemble(parts, diagnostics);
  return { ...inv, unmodelled: [...inv.unmodelled, ...t.unmodelled] };
}

/** Parses a file's text; undefined (with a diagnostic) when it is not Terraform JSON. */
function parse(file: string, text: string, diagnostics: Diagnostic[]): { doc: Json; lines: ReturnType<typeof parseDocuments>['lines'] } | undefined {
  const { docs, lines } = parseDocuments(file, text, diagnostics);
  const doc = docs[0]?.value;
  if (docs.length !== 1 || doc === null || typeof doc !== 'object' || Array.isArray(doc) || !isTerraformDoc(doc as Json)) {
    diagnostics.push({ severity: 'error', code: 'tf-not-show-json', message: `${file} is not \`terraform show -json\` output (expected format_version, terraform_version and values or planned_values)`, source: { file, line: 1 } });
    return undefined;
  }
  return { doc: doc as Json, lines };
}

const EMPTY: Omit<AwsInventory, 'diagnostics'> = {
  vpcs: [], subnets: [], interfaces: [], securityGroups: [], networkAcls: [], routeTables: [], internetGateways: [], egressOnlyGateways: [], natGateways: [], peerings: [],
  transitGateways: [], tgwAttachments: [], tgwRouteTables: [], prefixLists: [], vpcEndpoints: [], unmodelled: [],
};

/**
 * The AWS model of a Terraform document: a state's resources, a plan's after-state (`planned`, the default
 * for a plan) or its prior state (`prior`: empty when the plan creates everything).
 */
export function readTerraform(file: string, text: string, side?: TfSide): AwsInventory {
  const diagnostics: Diagnostic[] = [];
  const p = parse(file, text, diagnostics);
  if (!p) return { ...EMPTY, diagnostics };
  const plan = isTerraformPlan(p.doc);
  const s: TfSide = side === 'prior' ? (plan ? 'prior' : 'state') : plan ? 'planned' : 'state';
  return readSide(file, p.doc, s, p.lines, diagnostics);
}



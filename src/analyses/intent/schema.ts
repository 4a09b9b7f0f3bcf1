/** The shapes of the intent file (bulkhead.yaml), as zod schemas; its meaning is checked in load.ts. */
import type { z as Z } from 'zod';
import { zod } from '../../util/zod.js';

/** The schemas (made on first use: see util/zod.ts). */
export function intentSchemas() {
  const z = zod();
  const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'expected a name or a non-empty list of names' });
  const labelMap = z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)], { error: 'expected a label value or a list of values' }), {
    error: 'expected a mapping of label keys to values, e.g. {tier: web}',
  });
  /** AWS criteria: written under `aws:`, or (all but cidrs, which outside it mean outside addresses) directly. */
  const awsDirectShape = {
    account: oneOrMany.optional(),
    accounts: oneOrMany.optional(),
    region: oneOrMany.optional(),
    regions: oneOrMany.optional(),
    vpc: oneOrMany.optional(),
    vpcs: oneOrMany.optional(),
    subnet: oneOrMany.optional(),
    subnets: oneOrMany.optional(),
    securityGroup: oneOrMany.optional(),
    securityGroups: oneOrMany.optional(),
    interface: oneOrMany.optional(),
    interfaces: oneOrMany.optional(),
    tags: labelMap.optional(),
  };
  const awsSchema = z.strictObject({ ...awsDirectShape, cidr: oneOrMany.optional(), cidrs: oneOrMany.optional() }, {
    error: 'expected a mapping with account, region, vpc, subnet, securityGroup, tags or cidrs',
  });
  const matcherShape = {
    namespace: oneOrMany.optional(),
    namespaces: oneOrMany.optional(),
    namespaceLabels: labelMap.optional(),
    labels: labelMap.optional(),
    workload: oneOrMany.optional(),
    workloads: oneOrMany.optional(),
    cidr: oneOrMany.optional(),
    cidrs: oneOrMany.optional(),
    ...awsDirectShape,
    aws: awsSchema.optional(),
  };
  const matcherSchema = z.strictObject(matcherShape, { error: 'expected a mapping with namespace, namespaceLabels, labels, workloads, cidrs or aws criteria (vpc, subnet, tags, ...)' });
  /** A flow's or a `never`'s end: segment names, or segments written in place (`{tags: {env: dev}}`). */
  const refItem = z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: 'expected a segment name or a segment written in place, e.g. {tags: {env: dev}}' });
  const refs = z.union([refItem, z.array(refItem).min(1)], { error: 'expected a name, a segment written in place, or a non-empty list of them' });
  const segmentSchema = z.strictObject(
    {
      ...matcherShape,
      anyOf: z.array(matcherSchema).min(1).optional(),
      sensitive: z.boolean({ error: 'expected true or false' }).optional(),
      infrastructure: z.boolean({ error: 'expected true or false' }).optional(),
      description: z.string().optional(),
    },
    { error: 'expected a segment: a mapping with namespace, namespaceLabels, labels, workloads, cidrs, aws criteria (vpc, subnet, tags, ...) or anyOf' },
  );
  const flowSchema = z.strictObject(
    {
      from: refs,
      to: refs,
      ports: z.array(z.union([z.string(), z.number()]), { error: 'expected a list of ports such as [TCP/443, UDP/53]' }).optional(),
      description: z.string().optional(),
    },
    { error: 'expected a flow: {from: SEGMENT, to: SEGMENT, ports: [TCP/443]}' },
  );
  const fileSchema = z.strictObject(
    {
      version: z.literal(1, { error: 'expected version: 1' }).optional(),
      settings: z
        .strictObject({ flatThreshold: z.number({ error: 'expected a number between 0 and 1' }).gt(0).max(1).optional() }, { error: 'expected a mapping (flatThreshold)' })
        .optional(),
      segments: z.record(z.string(), z.unknown(), { error: 'expected a mapping of segment names to segments' }),
      flows: z.array(z.unknown(), { error: 'expected a list of flows' }).optional(),
      invariants: z.array(z.unknown(), { error: 'expected a list of invariants' }).optional(),
      tests: z.array(z.unknown(), { error: 'expected a list of tests' }).optional(),
    },
    { error: 'expected a mapping with segments, flows and invariants' },
  );
  const testSchema = z.strictObject(
    {
      from: z.string({ error: 'expected a segment, a workload (namespace/name) or an address' }).min(1),
      to: z.string({ error: 'expected a segment, a workload (namespace/name) or an address' }).min(1),
      port: z.union([z.string(), z.number()], { error: 'expected one port such as TCP/443' }),
      expect: z.enum(['allow', 'deny'], { error: 'expected allow or deny' }),
      description: z.string().optional(),
    },
    { error: 'expected a test: {from: SEGMENT, to: SEGMENT, port: TCP/443, expect: allow}' },
  );
  const neverSchema = z.strictObject({ from: refs, to: refs }, { error: 'expected {from: SEGMENT, to: SEGMENT}' });
  const isolatedSchema = z.union(
    [
      z.string().min(1),
      z.strictObject({
        label: z.string().min(1).optional(),
        namespaceLabel: z.string().min(1).optional(),
        segments: z.array(z.string().min(1)).min(2).optional(),
        within: oneOrMany.optional(),
      }),
    ],
    { error: 'expected a label key, or {label: KEY}, {namespaceLabel: KEY} or {segments: [A, B, ...]} (optionally with within: SEGMENT)' },
  );
  const egressSchema = z.strictObject({ from: oneOrMany, allow: z.array(z.string().min(1), { error: 'expected a list of CIDRs or segment names' }) }, {
    error: 'expected {from: SEGMENT, allow: [CIDR or SEGMENT, ...]}',
  });
  const sensitiveSchema = oneOrMany;
  const AWS_KEYS = Object.keys(awsDirectShape);
  return { awsDirectShape, AWS_KEYS, matcherSchema, segmentSchema, fileSchema, flowSchema, testSchema, neverSchema, isolatedSchema, egressSchema, sensitiveSchema };
}

/** The AWS criteria keys a matcher may write directly (awsDirectShape's keys, without loading zod; a test holds them equal). */
export const AWS_DIRECT_KEYS = ['account', 'accounts', 'region', 'regions', 'vpc', 'vpcs', 'subnet', 'subnets', 'securityGroup', 'securityGroups', 'interface', 'interfaces', 'tags'] as const satisfies readonly AwsDirectKey[];

/** A matcher as written (after the shape check). */
export type RawMatcher = Z.infer<ReturnType<typeof intentSchemas>['matcherSchema']>;
/** The AWS criteria keys that may be written directly in a matcher. */
export type AwsDirectKey = keyof ReturnType<typeof intentSchemas>['awsDirectShape'];

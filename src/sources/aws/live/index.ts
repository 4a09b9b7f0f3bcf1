/** `collect --aws`: the estate read through the AWS SDK and written as a describe-* snapshot directory. */
export { collectAws, type AwsCollection, type CollectOptions, type CollectedFile } from './collect.js';
export { writeAwsSnapshot, AWS_SNAPSHOT_MANIFEST, type AwsSnapshotManifest } from './writer.js';
export { defaultRegion } from './client.js';
export { requiredActions, readOnlyPolicy, REGION_CALLS, PER_OBJECT_CALLS } from './calls.js';

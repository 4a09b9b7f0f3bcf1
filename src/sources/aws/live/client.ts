/**
 * EC2 clients for `collect --aws`: the SDK's own default credential chain (environment, shared config and
 * credentials files with the profile, SSO, web identity, process, container and instance metadata) and region
 * resolution; nothing here reads a credential itself. Throttling is retried by the SDK's adaptive retry
 * strategy, which also slows the client down after throttles.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { UserError } from '../../../util/errors.js';
import { awsUserError } from './errors.js';

/** Attempts per call (the first included) before a throttled or failing call is given up. */
export const MAX_ATTEMPTS = 8;

export interface AwsClientOptions {
  /** A named profile of the shared config/credentials files (else AWS_PROFILE, else `default`). */
  readonly profile?: string;
  /** An endpoint URL instead of EC2's (tests; AWS_ENDPOINT_URL_EC2 does the same through the SDK). */
  readonly endpoint?: string;
}

/** An EC2 client for one region. */
export function ec2Client(region: string | undefined, o: AwsClientOptions): EC2Client {
  // The SDK warns on Node 20 about its releases after January 2027, not about the one installed: noise on every run.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  return new EC2Client({
    ...(region !== undefined ? { region } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
  });
}

/** The region the profile or environment names (AWS_REGION, the profile's `region`), for when no --region is given. */
export async function defaultRegion(o: AwsClientOptions): Promise<string> {
  const client = ec2Client(undefined, o);
  try {
    const region = await client.config.region();
    if (typeof region === 'string' && region !== '') return region;
  } catch {
    // The SDK throws "Region is missing": answered below with what to do.
  } finally {
    client.destroy();
  }
  throw new UserError(
    `no AWS region${o.profile !== undefined ? ` in profile ${o.profile}` : ''}: nothing says which region to read`,
    'give --region R (repeatable), or set AWS_REGION or the profile\'s region',
  );
}

/** The secrets of the credentials the chain resolves, so no message can carry them; throws a UserError when there are none. */
export async function resolveSecrets(client: EC2Client, profile: string | undefined): Promise<string[]> {
  try {
    const c = await client.config.credentials();
    return [c.accessKeyId, c.secretAccessKey, c.sessionToken].filter((s): s is string => typeof s === 'string' && s.length >= 8);
  } catch (e) {
    throw awsUserError(e, { action: 'credentials', region: await client.config.region(), profile, secrets: [] });
  }
}

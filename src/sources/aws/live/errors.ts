/**
 * What a failed EC2 call means to the user, as a UserError (exit 2): expired or refused credentials, a missing
 * IAM permission (named), a region not enabled, an endpoint that cannot be reached. Any credential the chain
 * resolved is cut out of the message, whatever the server or the SDK put in it.
 */
import { UserError } from '../../../util/errors.js';

export interface CallContext {
  /** The EC2 action (`DescribeVpcs`), or `credentials` while the chain resolves them. */
  readonly action: string;
  readonly region: string;
  readonly profile: string | undefined;
  /** Strings that must never be printed (the resolved access key, secret and session token). */
  readonly secrets: readonly string[];
}

const EXPIRED = new Set(['RequestExpired', 'ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const REFUSED = new Set(['AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'InvalidAccessKeyId']);
const DENIED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);

/** The message without any secret, the rest of an EC2 "Encoded authorization failure message" dropped. */
function clean(text: string, secrets: readonly string[]): string {
  let t = text.replace(/\s*Encoded authorization failure message:.*$/s, '');
  for (const s of secrets) t = t.split(s).join('[redacted]');
  return t.length > 300 ? `${t.slice(0, 300)}...` : t;
}

/** The UserError for an error thrown by the SDK during one call. */
export function awsUserError(e: unknown, c: CallContext): UserError {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err.name ?? 'Error';
  const msg = clean(String(err.message ?? e), c.secrets);
  const who = c.profile !== undefined ? ` (profile ${c.profile})` : '';
  const renew = c.profile !== undefined ? `renew them (aws sso login --profile ${c.profile}, or new keys in the profile)` : 'renew them (aws sso login, or new keys in the environment or profile)';
  if (c.action === 'credentials' || code === 'CredentialsProviderError') {
    return new UserError(`no usable AWS credentials${who}: ${msg}`, 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, give --profile P of ~/.aws/config, or run aws sso login');
  }
  if (code === 'OptInRequired') {
    return new UserError(`region ${c.region} is not enabled for this account (OptInRequired): ${msg}`, 'leave the region out, or enable it in the account settings');
  }
  if (EXPIRED.has(code)) {
    return new UserError(`AWS credentials${who} have expired: ${c.region} refused ${c.action} (${code}: ${msg})`, renew);
  }
  if (REFUSED.has(code) || err.$metadata?.httpStatusCode === 401) {
    return new UserError(`AWS refused the credentials${who}: ${c.region} answered ${c.action} with ${code} (${msg}); they are invalid or expired`, renew);
  }
  if (DENIED.has(code) || err.$metadata?.httpStatusCode === 403) {
    return new UserError(
      `not allowed to call ${c.action} in ${c.region}${who} (${code}): the identity lacks the IAM permission ec2:${c.action}`,
      'grant the read-only policy of docs/aws.md ("Collecting a snapshot"); a snapshot without this output would read back as if there were none, so nothing was written',
    );
  }
  if (err.code !== undefined && /^E[A-Z]+$/.test(err.code)) {
    return new UserError(`cannot reach EC2 in ${c.region} for ${c.action}: ${err.code} ${msg}`, 'check the network, the region name and any AWS_ENDPOINT_URL setting');
  }
  return new UserError(`${c.action} failed in ${c.region}${who}: ${code}: ${msg}`);
}

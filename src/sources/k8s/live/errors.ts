/** The API's refusals in words a user can act on: which permission is missing, which credentials failed. */
import { UserError } from '../../../util/errors.js';
import { statusMessage, type ApiResponse, type ClusterClient } from './client.js';

export interface Attempt {
  /** The RBAC verb: get, list, create, delete. */
  readonly verb: string;
  /** What was asked for, in words: "pods in all namespaces". */
  readonly what: string;
  readonly path: string;
  /** The RBAC resource and group, when the request was for objects. */
  readonly resource?: string;
  readonly group?: string;
}

/** A UserError for a failed request: 401 and 403 name the credentials or the missing permission. */
export function apiFailure(client: ClusterClient, r: ApiResponse, a: Attempt): UserError {
  const said = statusMessage(r.body);
  const says = said ? `; the API server says: ${said}` : '';
  if (r.status === 401) {
    return new UserError(
      `the cluster ${client.cluster} (${client.server}) refused the credentials of context ${client.context} (401 Unauthorized) when asked to ${a.verb} ${a.what}${says}`,
      'the token or certificate in the kubeconfig has expired or is wrong: log in again (e.g. refresh the cloud provider credentials)',
    );
  }
  if (r.status === 403) {
    const rbac = a.resource !== undefined ? `the permission to ${a.verb} ${a.resource}${a.group ? ` in API group ${a.group}` : ''}` : `the permission to ${a.verb} ${a.path}`;
    return new UserError(
      `forbidden: context ${client.context} lacks ${rbac} (403 Forbidden, for ${a.what})${says}`,
      'bind the ClusterRole of docs/live.md (get, list and watch on what Bulkhead reads) to this user or service account',
    );
  }
  return new UserError(`the cluster ${client.cluster} answered ${r.status} to ${a.verb} ${a.what} (${a.path})${says}`);
}

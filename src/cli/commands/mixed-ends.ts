/**
 * Ends (--from, --to) of a run over manifests and AWS input together: an end may name an endpoint of either
 * layer; one that names nothing on both is a mistake (exit 2) whose message lists candidates from both.
 */
import { UserError } from '../../util/errors.js';

/** The error for an end that names nothing in the manifests nor in the AWS input: each layer's own hint. */
export function noMatchOnEitherLayer(option: string, spec: string, k8s: UserError, aws: UserError): UserError {
  return new UserError(
    `no endpoint of the manifests or of the AWS input matches ${option} "${spec}"`,
    `Kubernetes: ${k8s.hint ?? k8s.message}; AWS: ${aws.hint ?? aws.message}`,
  );
}

/** Throws for the first end that matches on neither layer; `k8s` and `aws` say whether a spec matches there. */
export function checkEnds(ends: ReadonlyArray<readonly [string, string | undefined]>, k8s: (spec: string) => UserError | undefined, aws: (option: string, spec: string) => UserError | undefined): void {
  for (const [option, spec] of ends) {
    if (spec === undefined) continue;
    const k = k8s(spec);
    if (!k) continue;
    const a = aws(option, spec);
    if (a) throw noMatchOnEitherLayer(option, spec, k, a);
  }
}

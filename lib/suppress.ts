import { ApiObject } from 'cdk8s';
import { ErrorCode, fail } from './errors';
import { RULES } from './rules/registry';
import { parseSuppressions, SUPPRESS_ANNOTATION, Suppression } from './rules/suppression';

export { SUPPRESS_ANNOTATION };

/**
 * Adds `{id, reason}` to the `cdk8s-netpol.io/suppress` annotation of a manifest object (whose current value is
 * `existing`), after checking it the way the checker will (a known, suppressible rule id and a reason of at least 10
 * characters). Returns the new annotation value.
 * @internal
 */
export function addSuppression(api: string, object: ApiObject, existing: string | undefined, ruleId: string, reason: string): string {
  const entries: Suppression[] = existing ? JSON.parse(existing) : [];
  entries.push({ id: ruleId, reason });
  const knownIds = new Set(RULES.map(r => r.id));
  const unsuppressible = new Set(RULES.filter(r => !r.suppressible).map(r => r.id));
  const { problems } = parseSuppressions(JSON.stringify(entries), knownIds, unsuppressible);
  if (problems.length > 0) {
    fail(ErrorCode.INVALID_SUPPRESSION, api, `${problems[problems.length - 1]}.`);
  }
  const value = JSON.stringify(entries);
  object.metadata.addAnnotation(SUPPRESS_ANNOTATION, value);
  return value;
}

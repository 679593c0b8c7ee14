/**
 * Suppressions: data on the objects themselves, with a mandatory reason.
 *
 * Format: the annotation `cdk8s-netpol.io/suppress` on a NetworkPolicy (suppresses findings about that policy) or on
 * a Namespace (suppresses findings about the namespace and about every object in it), holding a JSON array of
 * `{"id": "<rule id>", "reason": "<why, at least 10 characters>"}`:
 *
 *     metadata:
 *       annotations:
 *         cdk8s-netpol.io/suppress: '[{"id":"NP007","reason":"public API, reviewed by security 2026-11"}]'
 *
 * An entry with an unknown rule id, a missing or short reason, or an annotation that is not such a JSON array is
 * never honoured: rule NP000 reports it as an error. Suppressed findings are still reported, marked suppressed.
 */

/** The annotation key that carries suppressions. */
export const SUPPRESS_ANNOTATION = 'cdk8s-netpol.io/suppress';

/** The minimum length of a suppression reason (after trimming). */
export const MIN_REASON_LENGTH = 10;

/** One valid suppression entry. */
export interface Suppression {
  /** The rule id. */
  readonly id: string;
  /** Why the finding is acceptable. */
  readonly reason: string;
}

/** The parsed annotation: the valid entries and a message for each rejected one. */
export interface ParsedSuppressions {
  /** Entries that are honoured. */
  readonly valid: Suppression[];
  /** Why other entries (or the whole annotation) are not honoured. */
  readonly problems: string[];
}

/**
 * Parses a suppression annotation value.
 * @param knownIds the ids of rules that may be suppressed
 */
export function parseSuppressions(value: string, knownIds: ReadonlySet<string>, unsuppressible: ReadonlySet<string> = new Set()): ParsedSuppressions {
  const valid: Suppression[] = [];
  const problems: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return { valid, problems: [`${SUPPRESS_ANNOTATION} is not JSON (${(e as Error).message}); expected [{"id":"NP002","reason":"..."}]`] };
  }
  if (!Array.isArray(parsed)) {
    return { valid, problems: [`${SUPPRESS_ANNOTATION} must be a JSON array of {"id","reason"} objects, got ${JSON.stringify(parsed)}`] };
  }
  parsed.forEach((entry, i) => {
    const at = `${SUPPRESS_ANNOTATION}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} must be an object {"id","reason"}, got ${JSON.stringify(entry)}`);
      return;
    }
    const { id, reason } = entry as { id?: unknown; reason?: unknown };
    if (typeof id !== 'string' || id === '') {
      problems.push(`${at} has no rule id; write {"id":"NP002","reason":"..."}`);
      return;
    }
    if (!knownIds.has(id)) {
      problems.push(`${at} names unknown rule "${id}"; see RULES.md for the rule ids`);
      return;
    }
    if (unsuppressible.has(id)) {
      problems.push(`${at} names rule ${id}, which cannot be suppressed`);
      return;
    }
    if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
      const got = typeof reason === 'string' ? `"${reason}" (${reason.trim().length} characters)` : 'no reason';
      problems.push(`${at} suppresses ${id} with ${got}; a reason of at least ${MIN_REASON_LENGTH} characters is required`);
      return;
    }
    valid.push({ id, reason: reason.trim() });
  });
  return { valid, problems };
}

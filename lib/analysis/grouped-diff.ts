/**
 * A connectivity diff grouped by namespace, for a change too large to review pair by pair: one entry per pair of
 * namespaces, kind of difference and connections before and after, with the number of pairs of peers it holds for.
 * An external range stays a group of its own, as in the diff. Grouping only gathers entries: the pairs of two
 * namespaces whose connections did not change are not counted, and each pair of peers is in exactly one group.
 */
import { ConnectionSet } from './connection-set';
import { ConnectionDiff, ConnectivityDiff, DIFF_TYPES, DiffType } from './diff';
import { Endpoint, endpointName } from './endpoints';
import { compareStrings } from './compare';

/** What holds for `pairs` pairs of peers of two namespaces (or external ranges). */
export interface GroupedDiffEntry {
  /** `changed`, `added` or `removed`. */
  readonly type: DiffType;
  /** The source: a namespace, or an external range's connlist name (`first-last[External]`). */
  readonly src: string;
  /** The destination: a namespace, or an external range's connlist name. */
  readonly dst: string;
  /** The connections before, the same for every pair of the group. */
  readonly oldConns: ConnectionSet;
  /** The connections after. */
  readonly newConns: ConnectionSet;
  /** Allowed after but not before. */
  readonly gained: ConnectionSet;
  /** Allowed before but not after. */
  readonly lost: ConnectionSet;
  /** How many pairs of peers of the diff have exactly this difference. */
  readonly pairs: number;
}

/** The group of an end: its namespace, or the external range itself. */
function groupName(end: Endpoint): string {
  return end.type === 'workload' ? end.namespace : endpointName(end);
}

/**
 * The entries of a diff grouped by the namespaces of their ends, in the diff's order of kinds (changed, added,
 * removed), then by source, destination, connections before and after. The `pairs` of the groups add up to the
 * number of entries.
 */
export function groupDiffByNamespace(diff: ConnectivityDiff): GroupedDiffEntry[] {
  const groups = new Map<string, { first: ConnectionDiff; src: string; dst: string; pairs: number }>();
  for (const e of diff.entries) {
    const [src, dst] = [groupName(e.src), groupName(e.dst)];
    // Names and connection texts hold no NUL, so the key is unambiguous.
    const key = [e.type, src, dst, e.oldConns.toString(), e.newConns.toString()].join('\0');
    const group = groups.get(key);
    if (group) group.pairs++;
    else groups.set(key, { first: e, src, dst, pairs: 1 });
  }
  const rank = (type: DiffType) => DIFF_TYPES.indexOf(type);
  return [...groups.values()]
    .map(({ first, src, dst, pairs }): GroupedDiffEntry => ({
      type: first.type, src, dst, oldConns: first.oldConns, newConns: first.newConns, gained: first.gained, lost: first.lost, pairs,
    }))
    .sort((a, b) => rank(a.type) - rank(b.type) || compareStrings(a.src, b.src) || compareStrings(a.dst, b.dst)
      || compareStrings(a.oldConns.toString(), b.oldConns.toString()) || compareStrings(a.newConns.toString(), b.newConns.toString()));
}

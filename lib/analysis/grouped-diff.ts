/**
 * A connectivity diff grouped by namespace, for a change too large to review pair by pair: one entry per pair of
 * namespaces, kind of difference and connections before and after, with the number of pairs of peers it holds for.
 * An external range stays a group of its own, as in the diff. Grouping only gathers entries: the pairs of two
 * namespaces whose connections did not change are not counted, and each pair of peers is in exactly one group.
 */
import { ConnectionSet } from './connection-set';
import { _forEachDifference, DiffEntries, DIFF_TYPES, DiffType } from './diff';
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

/**
 * The entries of a diff grouped by the namespaces of their ends, in the diff's order of kinds (changed, added,
 * removed), then by source, destination, connections before and after. The `pairs` of the groups add up to the
 * number of entries. Entries are gathered in one pass, in whatever order they come, without making a key per entry
 * (by kind, source group, destination group and connection set objects, which many entries share); memory grows with
 * the groups, not the entries.
 */
export function groupDiffByNamespace(diff: DiffEntries): GroupedDiffEntry[] {
  const byType = new Map<DiffType, Map<string, Map<string, Map<ConnectionSet, Map<ConnectionSet, { n: number }>>>>>();
  // An external range's name, once per range object (the entries of one range share it).
  const rangeNames = new Map<Endpoint, string>();
  const groupName = (end: Endpoint): string => {
    if (end.type === 'workload') return end.namespace;
    let name = rangeNames.get(end);
    if (name === undefined) {
      name = endpointName(end);
      rangeNames.set(end, name);
    }
    return name;
  };
  const child = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
    let value = map.get(key);
    if (value === undefined) {
      value = make();
      map.set(key, value);
    }
    return value;
  };
  // Entries come in runs with the same group (a source's destinations in one namespace): the last one's count is
  // reused without looking it up.
  let lastType: DiffType | undefined;
  let lastSrc = '';
  let lastDst = '';
  let lastOld: ConnectionSet | undefined;
  let lastNew: ConnectionSet | undefined;
  let count = { n: 0 };
  _forEachDifference(diff, (type, src, dst, oldConns, newConns) => {
    const srcName = groupName(src);
    const dstName = groupName(dst);
    if (oldConns !== lastOld || newConns !== lastNew || type !== lastType || srcName !== lastSrc || dstName !== lastDst) {
      const byOld = child(child(child(byType, type, () => new Map()), srcName, () => new Map()), dstName, () => new Map());
      count = child(child(byOld, oldConns, () => new Map<ConnectionSet, { n: number }>()), newConns, () => ({ n: 0 }));
      [lastType, lastSrc, lastDst, lastOld, lastNew] = [type, srcName, dstName, oldConns, newConns];
    }
    count.n++;
  });
  // Different set objects with the same connections are one group. Names and connection texts hold no NUL, so the
  // key is unambiguous.
  const groups = new Map<string, GroupedDiffEntry>();
  for (const [type, bySrc] of byType) {
    for (const [src, byDst] of bySrc) {
      for (const [dst, byOld] of byDst) {
        for (const [oldConns, byNew] of byOld) {
          for (const [newConns, { n: pairs }] of byNew) {
            const key = [type, src, dst, oldConns.toString(), newConns.toString()].join('\0');
            const known = groups.get(key);
            groups.set(key, known ? { ...known, pairs: known.pairs + pairs }
              : { type, src, dst, oldConns, newConns, gained: newConns.subtract(oldConns), lost: oldConns.subtract(newConns), pairs });
          }
        }
      }
    }
  }
  const rank = (type: DiffType) => DIFF_TYPES.indexOf(type);
  return [...groups.values()]
    .sort((a, b) => rank(a.type) - rank(b.type) || compareStrings(a.src, b.src) || compareStrings(a.dst, b.dst)
      || compareStrings(a.oldConns.toString(), b.oldConns.toString()) || compareStrings(a.newConns.toString(), b.newConns.toString()));
}

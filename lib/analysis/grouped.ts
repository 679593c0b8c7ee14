/**
 * The connection list of a large cluster, grouped so that it stays readable: workloads are gathered by namespace, or
 * by workload class (the workloads of one namespace that every policy treats alike: same pod labels, named ports and
 * host network), and each line says exactly what holds for how many workload pairs.
 *
 * - `class`: one line per pair of classes with connections. Every pair of distinct workloads of the two classes has
 *   exactly those connections, so nothing is summarised.
 * - `namespace`: one line per pair of namespaces and distinct set of connections, with the number of workload pairs
 *   that have exactly that set out of all pairs of the two namespaces. Pairs with no connection are not listed, so
 *   `15 of 5,625 workload pairs` also says that the other 5,610 have none.
 *
 * External ranges stay one group each, as in the connection list. Grouping works on the engine's classes, never on
 * workload pairs, so its cost grows with the number of distinct label sets, not with pods squared.
 */
import { PolicyType } from '../model/types';
import type { Analysis } from './analysis';
import { WorkloadClass } from './classes';
import { ConnectionSet } from './connection-set';
import { endpointName, ExternalEndpoint } from './endpoints';
import { selectorRequirements } from './exposure';
import { formatIpv4Range, Ipv4Range } from './external';
import { compareStrings } from './compare';

/** How `groupConnections` gathers workloads. */
export enum ConnectionGrouping {
  /** One group per namespace. */
  NAMESPACE = 'namespace',
  /** One group per workload class: the workloads of a namespace that every policy treats alike. */
  CLASS = 'class',
}

/** A group of endpoints: workloads of one namespace (all of them, or one class), or one external range. */
export interface EndpointGroup {
  /**
   * The printed name: `ns`; for a class `ns/[pods labelled {k=v,...}]` or `ns/[pods without labels]` (with ` #2`, ...
   * when two classes differ only in named ports or host network); `first-last[External]` for a range.
   */
  readonly name: string;
  /** The namespace, for workloads. */
  readonly namespace?: string;
  /** The connlist names of the workloads, sorted (empty for an external range). */
  readonly workloads: readonly string[];
  /** The range, for an external group. */
  readonly external?: ExternalEndpoint;
}

/** One line of the grouped list: what holds for `pairs` of the `of` workload pairs between two groups. */
export interface GroupedConnection {
  /** The source group. */
  readonly src: EndpointGroup;
  /** The destination group. */
  readonly dst: EndpointGroup;
  /** The connections every one of the `pairs` has, exactly. */
  readonly conns: ConnectionSet;
  /** How many (source, destination) pairs of distinct endpoints have exactly `conns`. */
  readonly pairs: number;
  /** How many pairs of distinct endpoints the two groups have in all. */
  readonly of: number;
}

function rangeGroup(range: Ipv4Range): EndpointGroup {
  const [first, last] = formatIpv4Range(range).split('-');
  const external: ExternalEndpoint = { type: 'external', first, last };
  return { name: endpointName(external), workloads: [], external };
}

/**
 * The connection list of the analysis grouped by namespace or by workload class, sorted by source group, destination
 * group and connections. The lines of one pair of groups add up to at most `of` pairs. All lines at once: for a large
 * cluster, `eachGroupedConnection` gives them one source group at a time.
 */
export function groupConnections(analysis: Analysis, grouping: ConnectionGrouping): GroupedConnection[] {
  return [...eachGroupedConnection(analysis, grouping)];
}

/**
 * The lines of `groupConnections`, in the same order, worked out one source group at a time: memory holds the lines of
 * one source group (by class: a class's destinations; by namespace: one line per destination and set), never the
 * whole list, whose length grows with the pairs of classes.
 */
export function* eachGroupedConnection(analysis: Analysis, grouping: ConnectionGrouping): Generator<GroupedConnection> {
  const engine = analysis.engine;
  // The workloads of each class, each name once (its first class in class order), as the connection list takes them.
  const seen = new Set<string>();
  const members = engine.classes.map(cls => {
    const names: string[] = [];
    for (const w of cls.workloads) {
      const name = endpointName({ type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind });
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
    return names.sort(compareStrings);
  });
  const groupOf = grouping === ConnectionGrouping.CLASS ? classGroups(engine.classes, members) : namespaceGroups(engine.classes, members);
  const egressGroups = engine.egressRanges.map(rangeGroup);
  const ingressGroups = engine.ingressRanges.map(rangeGroup);

  // The sources in name order: the groups of classes with workloads, with their classes, and the ingress ranges.
  const classesOf = new Map<EndpointGroup, WorkloadClass[]>();
  for (const cls of engine.classes) {
    if (members[cls.index].length === 0) continue;
    const list = classesOf.get(groupOf[cls.index]);
    if (list) list.push(cls);
    else classesOf.set(groupOf[cls.index], [cls]);
  }
  const sources: { group: EndpointGroup; classes?: WorkloadClass[]; range?: number }[] = [
    ...[...classesOf].map(([group, classes]) => ({ group, classes })),
    ...ingressGroups.map((group, range) => ({ group, range })),
  ].sort((a, b) => compareStrings(a.group.name, b.group.name));
  // The destinations ranked by name once, so that each source's lines sort by number.
  const rank = new Map<EndpointGroup, number>();
  [...classesOf.keys(), ...egressGroups].sort((a, b) => compareStrings(a.name, b.name)).forEach((group, i) => rank.set(group, i));
  const size = (g: EndpointGroup) => (g.external ? 1 : g.workloads.length);

  for (const source of sources) {
    // This source's lines: per destination group, one per distinct set (by its text).
    const lines = new Map<EndpointGroup, { conns: ConnectionSet; text: string; pairs: number }[]>();
    const add = (dst: EndpointGroup, conns: ConnectionSet, pairs: number) => {
      if (pairs === 0 || conns.isEmpty()) return;
      const text = conns.toString();
      const list = lines.get(dst);
      const line = list?.find(l => l.text === text);
      if (line) line.pairs += pairs;
      else if (list) list.push({ conns, text, pairs });
      else lines.set(dst, [{ conns, text, pairs }]);
    };
    if (source.classes) {
      for (const src of source.classes) {
        const n = members[src.index].length;
        for (const dst of engine.candidateDestinations(src)) {
          const m = members[dst.index].length;
          if (m === 0) continue;
          add(groupOf[dst.index], engine.classToClass(src, dst), src === dst ? n * (n - 1) : n * m);
        }
        egressGroups.forEach((range, i) => add(range, engine.classAndRange(PolicyType.EGRESS, src, i), n));
      }
    } else {
      for (const dst of engine.classes) add(groupOf[dst.index], engine.classAndRange(PolicyType.INGRESS, dst, source.range!), members[dst.index].length);
    }
    const src = source.group;
    const sorted = [...lines].sort(([a], [b]) => rank.get(a)! - rank.get(b)!);
    for (const [dst, list] of sorted) {
      if (list.length > 1) list.sort((a, b) => compareStrings(a.text, b.text));
      const of = src === dst ? size(src) * (size(src) - 1) : size(src) * size(dst);
      for (const line of list) yield { src, dst, conns: line.conns, pairs: line.pairs, of };
    }
  }
}

/** One group per namespace; `groupOf[class index]`. */
function namespaceGroups(classes: readonly WorkloadClass[], members: readonly string[][]): EndpointGroup[] {
  const byNamespace = new Map<string, string[]>();
  for (const cls of classes) {
    const list = byNamespace.get(cls.namespace.name) ?? [];
    list.push(...members[cls.index]);
    byNamespace.set(cls.namespace.name, list);
  }
  const groups = new Map<string, EndpointGroup>();
  for (const [namespace, workloads] of byNamespace) groups.set(namespace, { name: namespace, namespace, workloads: workloads.sort(compareStrings) });
  return classes.map(cls => groups.get(cls.namespace.name)!);
}

/** One group per class, named by namespace and pod labels; `groupOf[class index]`. */
function classGroups(classes: readonly WorkloadClass[], members: readonly string[][]): EndpointGroup[] {
  const base = classes.map(cls => {
    const labels = selectorRequirements({ matchLabels: cls.podLabels });
    return `${cls.namespace.name}/[${labels.length === 0 ? 'pods without labels' : `pods labelled {${labels.join(',')}}`}]`;
  });
  // Classes that differ only in named ports or host network print alike: number them in the order of their first workload.
  const byBase = new Map<string, number[]>();
  base.forEach((name, i) => { if (members[i].length > 0) byBase.set(name, [...(byBase.get(name) ?? []), i]); });
  const names = new Array<string>(classes.length);
  for (const [name, indexes] of byBase) {
    indexes.sort((a, b) => compareStrings(members[a][0], members[b][0]));
    indexes.forEach((index, k) => { names[index] = k === 0 ? name : `${name} #${k + 1}`; });
  }
  return classes.map(cls => ({ name: names[cls.index] ?? base[cls.index], namespace: cls.namespace.name, workloads: members[cls.index] }));
}

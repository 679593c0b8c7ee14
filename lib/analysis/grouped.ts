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
 * group and connections. The lines of one pair of groups add up to at most `of` pairs.
 */
export function groupConnections(analysis: Analysis, grouping: ConnectionGrouping): GroupedConnection[] {
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

  const lines = new Map<string, { src: EndpointGroup; dst: EndpointGroup; conns: ConnectionSet; pairs: number }>();
  const add = (src: EndpointGroup, dst: EndpointGroup, conns: ConnectionSet, pairs: number) => {
    if (pairs === 0 || conns.isEmpty()) return;
    const key = `${src.name}\u0000${dst.name}\u0000${conns.toString()}`;
    const line = lines.get(key);
    if (line) line.pairs += pairs;
    else lines.set(key, { src, dst, conns, pairs });
  };
  for (const src of engine.classes) {
    const n = members[src.index].length;
    if (n === 0) continue;
    for (const dst of engine.candidateDestinations(src)) {
      const m = members[dst.index].length;
      if (m === 0) continue;
      add(groupOf[src.index], groupOf[dst.index], engine.classToClass(src, dst), src === dst ? n * (n - 1) : n * m);
    }
    egressGroups.forEach((range, i) => add(groupOf[src.index], range, engine.classAndRange(PolicyType.EGRESS, src, i), n));
    ingressGroups.forEach((range, i) => add(range, groupOf[src.index], engine.classAndRange(PolicyType.INGRESS, src, i), n));
  }
  const size = (g: EndpointGroup) => (g.external ? 1 : g.workloads.length);
  return [...lines.values()]
    .map(line => ({ ...line, of: line.src === line.dst ? size(line.src) * (size(line.src) - 1) : size(line.src) * size(line.dst) }))
    .sort((a, b) => compareStrings(a.src.name, b.src.name) || compareStrings(a.dst.name, b.dst.name) || compareStrings(a.conns.toString(), b.conns.toString()));
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

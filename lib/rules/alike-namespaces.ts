/**
 * Namespaces that only their names tell apart, linted as two. A platform stamps the same policies into many namespaces
 * (an IsolatedNamespace per team); every rule treats such namespaces alike, so when two of them are clean (on their
 * own and towards each other), all are.
 *
 * Two namespaces are alike when they have the same labels (apart from `kubernetes.io/metadata.name`), annotations
 * and declaredness, and the same policies and workloads in the same order (apart from their namespace and where
 * they were defined), and no selector anywhere mentions either name (as a key or a value: `kubernetes.io/metadata.name:
 * team-a`, or a `name: team-a` that NP012 flags). Namespaces rules treat by name (kube-system and the other system
 * namespaces, the DNS server's, `default`) are never merged. Rules must keep to this: a rule whose findings depend on a namespace's
 * name other than through selectors would break it (test/rules/alike-namespaces.test.ts checks every rule).
 */
import { DEFAULT_NAMESPACE, NAMESPACE_NAME_LABEL } from '../analysis';
import { ClusterModel, PolicyModel, RuleModel, SelectorModel, WorkloadModel } from '../model/types';
import { DNS_NAMESPACE, SYSTEM_NAMESPACES } from './context';

/** A cluster with each group of alike namespaces cut down to its first two. */
export interface CollapsedCluster {
  /** The namespaces, workloads and policies of the kept namespaces, in cluster order. */
  readonly cluster: ClusterModel;
  /** How many namespaces the full cluster has (declared or used by a workload or policy). */
  readonly namespaceCount: number;
}

/** What a namespace holds: its labels and annotations (as text, without its name), its policies and its workloads. */
interface NamespaceContent {
  labels: string;
  readonly policies: PolicyModel[];
  readonly workloads: WorkloadModel[];
}

/**
 * The cluster with each group of alike namespaces cut down to its first two, or undefined when none has three.
 * @param dnsNamespace the namespace of the cluster DNS server, which rules know by name
 */
export function collapseAlikeNamespaces(cluster: ClusterModel, dnsNamespace: string = DNS_NAMESPACE): CollapsedCluster | undefined {
  const mentioned = new Set<string>([...SYSTEM_NAMESPACES, dnsNamespace, DEFAULT_NAMESPACE]);
  const mention = (selector: SelectorModel | undefined): void => {
    if (!selector) return;
    const labels = selector.matchLabels;
    if (labels) for (const key in labels) mentioned.add(key).add(labels[key]);
    const expressions = selector.matchExpressions;
    if (expressions) {
      for (const e of expressions) {
        mentioned.add(e.key);
        if (e.values) for (const v of e.values) mentioned.add(v);
      }
    }
  };
  const mentionRules = (rules: RuleModel[] | undefined): void => {
    if (!rules) return;
    for (const rule of rules) {
      if (!rule.peers) continue;
      for (const peer of rule.peers) {
        mention(peer.podSelector);
        mention(peer.namespaceSelector);
      }
    }
  };

  // What each namespace holds, in the order namespaces are first seen (declared, then used by a policy or workload).
  const contents = new Map<string, NamespaceContent>();
  const content = (namespace: string): NamespaceContent => {
    let c = contents.get(namespace);
    if (!c) {
      c = { labels: '', policies: [], workloads: [] };
      contents.set(namespace, c);
    }
    return c;
  };
  for (const ns of cluster.namespaces) {
    const { [NAMESPACE_NAME_LABEL]: own, ...labels } = ns.labels ?? {};
    const nameLabel = own === undefined || own === ns.name ? '' : own;
    content(ns.name).labels = JSON.stringify([labels, ns.annotations ?? {}, nameLabel]);
  }
  for (const p of cluster.policies) {
    mention(p.podSelector);
    mentionRules(p.ingress);
    mentionRules(p.egress);
    content(p.namespaceName ?? DEFAULT_NAMESPACE).policies.push(p);
  }
  for (const w of cluster.workloads) content(w.namespaceName).workloads.push(w);
  // Cluster-wide policies select namespaces by labels too: every string in them may name a namespace.
  for (const c of cluster.clusterPolicies ?? []) mentionStrings([c.subject, c.ingress, c.egress], mentioned);

  // The namespaces that may be alike to two others, with the shape that tells them apart so far. The shape is refined
  // in steps, cheapest first (labels and counts, then the policies, then the workloads, which are many), and only for
  // the namespaces whose shape so far at least two others share: those alone can be cut.
  let shapes = new Map<string, string>();
  for (const [namespace, c] of contents) {
    if (!mentioned.has(namespace)) shapes.set(namespace, `${c.labels}\u0000${c.policies.length}\u0000${c.workloads.length}`);
  }
  const refinements: ((c: NamespaceContent) => string)[] = [
    c => c.policies.map(policyShape).join('\n'),
    c => c.workloads.map(workloadShape).join('\n'),
  ];
  for (let step = 0; ; step++) {
    const counts = new Map<string, number>();
    for (const shape of shapes.values()) counts.set(shape, (counts.get(shape) ?? 0) + 1);
    const candidates = new Map<string, string>();
    for (const [namespace, shape] of shapes) if (counts.get(shape)! >= 3) candidates.set(namespace, shape);
    if (candidates.size === 0) return undefined;
    shapes = candidates;
    if (step === refinements.length) break;
    for (const [namespace, shape] of shapes) shapes.set(namespace, `${shape}\u0000${refinements[step](contents.get(namespace)!)}`);
  }

  // The first two namespaces of each group stand for it: two, so that what holds between two alike namespaces (an
  // egress rule of one naming the other, whose isolation denies it) is seen too, not only what holds within one.
  const members = new Map<string, number>();
  const kept = new Set<string>();
  for (const namespace of contents.keys()) {
    const shape = shapes.get(namespace);
    if (shape === undefined) {
      kept.add(namespace);
      continue;
    }
    const count = members.get(shape) ?? 0;
    members.set(shape, count + 1);
    if (count < 2) kept.add(namespace);
  }
  if (kept.size === contents.size) return undefined;
  return {
    cluster: {
      ...cluster,
      namespaces: cluster.namespaces.filter(n => kept.has(n.name)),
      workloads: cluster.workloads.filter(w => kept.has(w.namespaceName)),
      policies: cluster.policies.filter(p => kept.has(p.namespaceName ?? DEFAULT_NAMESPACE)),
    },
    namespaceCount: contents.size,
  };
}

function policyShape(policy: PolicyModel): string {
  const { namespaceName: _namespace, source: _source, ...rest } = policy;
  return JSON.stringify(rest);
}

function workloadShape(workload: WorkloadModel): string {
  const { namespaceName: _namespace, source: _source, ...rest } = workload;
  return JSON.stringify(rest);
}

/** Adds every string in `value` (keys and values, recursively) to `into`. */
function mentionStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) mentionStrings(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      mentionStrings(v, into);
    }
  }
}

/**
 * Equivalence classes of workloads: workloads in the same namespace with the same pod labels, the same named
 * container ports and the same host-network setting are indistinguishable to every NetworkPolicy, so the engine
 * evaluates them once. Cost then grows with the number of distinct label sets, not with pods squared.
 */
import { ClusterModel, ContainerPortModel, Protocol, WorkloadModel } from '../model/types';
import { Labels, sortedKeys } from './selectors';

/** The label Kubernetes puts on every namespace (since 1.21), holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespace as the engine sees it: its labels including `kubernetes.io/metadata.name`. */
export interface NamespaceView {
  /** The name. */
  readonly name: string;
  /** The labels, with `kubernetes.io/metadata.name` added if missing. */
  readonly labels: Labels;
  /** Whether the cluster model declared it (false: only referenced by a workload or policy). */
  readonly declared: boolean;
}

/** A group of workloads that every policy treats alike. */
export interface WorkloadClass {
  /** The index of the class (its position in the class list). */
  readonly index: number;
  /** The namespace. */
  readonly namespace: NamespaceView;
  /** The pod labels. */
  readonly podLabels: Labels;
  /** The named container ports (the only ports that matter to policies), sorted. */
  readonly namedPorts: readonly ContainerPortModel[];
  /** A key of `namedPorts`, equal for classes whose named ports are equal. */
  readonly portsKey: string;
  /** Whether the pods use the host network. */
  readonly hostNetwork: boolean;
  /** The workloads of the class, in cluster order. */
  readonly workloads: WorkloadModel[];
}

/** The namespaces of a cluster by name, including namespaces only referenced by workloads or policies. */
export function namespaceViews(cluster: ClusterModel): Map<string, NamespaceView> {
  const views = new Map<string, NamespaceView>();
  for (const ns of cluster.namespaces) {
    views.set(ns.name, { name: ns.name, labels: { [NAMESPACE_NAME_LABEL]: ns.name, ...(ns.labels ?? {}) }, declared: true });
  }
  const reference = (name: string) => {
    if (!views.has(name)) views.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false });
  };
  for (const w of cluster.workloads) reference(w.namespaceName);
  for (const p of cluster.policies) reference(p.namespaceName ?? 'default');
  return views;
}

function labelsKey(labels: Labels): string {
  const keys = sortedKeys(labels);
  if (keys.length === 0) return '';
  if (keys.length === 1) return `${keys[0]}=${labels[keys[0]]}`;
  let key = `${keys[0]}=${labels[keys[0]]}`;
  for (let i = 1; i < keys.length; i++) key += `\u0000${keys[i]}=${labels[keys[i]]}`;
  return key;
}

/** The named ports of a workload, normalised (protocol default TCP), deduplicated and sorted. */
export function namedPortsOf(workload: WorkloadModel): ContainerPortModel[] {
  if (!workload.ports || workload.ports.length === 0) return [];
  // Sorted by `name/protocol/port` as they come, by insertion: a workload names a few ports.
  const keys: string[] = [];
  const ports: ContainerPortModel[] = [];
  for (const p of workload.ports) {
    if (!p.name) continue;
    const protocol = p.protocol ?? Protocol.TCP;
    const key = `${p.name}/${protocol}/${p.containerPort}`;
    let at = keys.length;
    while (at > 0 && keys[at - 1] > key) at--;
    if (at > 0 && keys[at - 1] === key) continue;
    keys.splice(at, 0, key);
    ports.splice(at, 0, { name: p.name, protocol, containerPort: p.containerPort });
  }
  return ports;
}

/** Groups the workloads of a cluster into equivalence classes. */
export function buildClasses(cluster: ClusterModel, namespaces: Map<string, NamespaceView>): WorkloadClass[] {
  const byKey = new Map<string, WorkloadClass>();
  const classes: WorkloadClass[] = [];
  for (const workload of cluster.workloads) {
    const podLabels = workload.podLabels ?? {};
    const namedPorts = namedPortsOf(workload);
    const portsKey = namedPorts.length === 0 ? '' : namedPorts.map(p => `${p.name}/${p.protocol}/${p.containerPort}`).join(',');
    const hostNetwork = workload.hostNetwork === true;
    const key = `${workload.namespaceName}\u0001${labelsKey(podLabels)}\u0001${portsKey}\u0001${hostNetwork}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { index: classes.length, namespace: namespaces.get(workload.namespaceName)!, podLabels, namedPorts, portsKey, hostNetwork, workloads: [] };
      byKey.set(key, cls);
      classes.push(cls);
    }
    cls.workloads.push(workload);
  }
  return classes;
}

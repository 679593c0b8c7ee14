import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AllowFrom, AllowTo, derivedName } from './allow';
import { ErrorCode, fail, requireArray, requireObject, requireValue } from './errors';
import { IPeer, isPeer, Peer, PodSet } from './peer';
import { Port } from './port';

/** Props of `AllowConnection`. */
export interface AllowConnectionProps {
  /** Who opens the connection: pods of one namespace (`Peer.pods`, `Peer.podsInNamespace`, `Peer.workload`, ...) or an address range. */
  readonly source: IPeer;
  /** Who accepts it: pods of one namespace, or an address range. */
  readonly destination: IPeer;
  /** The destination ports. */
  readonly ports: Port[];
  /**
   * Name of the egress policy written in the source's namespace.
   * @default `<source>-allow-to-<destination>`, as AllowTo derives it
   */
  readonly egressPolicyName?: string;
  /**
   * Name of the ingress policy written in the destination's namespace.
   * @default `<destination>-allow-from-<source>`, as AllowFrom derives it
   */
  readonly ingressPolicyName?: string;
}

/**
 * Allows one connection, source → destination on the ports, by writing both halves Kubernetes needs when both
 * ends are isolated: an egress rule on the source pods and an ingress rule on the destination pods. An end that is
 * an address range outside the cluster gets no policy.
 *
 * Policies are only written into namespaces the app declares (a chart's namespace, or a Namespace object such as
 * `IsolatedNamespace`): synthesis fails otherwise, so a connection to kube-system can never add a policy there and
 * isolate the cluster DNS by accident.
 *
 * @example
 * new AllowConnection(chart, 'frontend-to-api', {
 *   source: Peer.pods(Selector.labels({ app: 'frontend' })),
 *   destination: Peer.pods(Selector.labels({ app: 'api' })),
 *   ports: [Port.tcp(8080)],
 * });
 */
export class AllowConnection extends Construct {
  /** The egress half, on the source pods (undefined when the source is an address range). */
  public readonly egressPolicy?: AllowTo;
  /** The ingress half, on the destination pods (undefined when the destination is an address range). */
  public readonly ingressPolicy?: AllowFrom;

  constructor(scope: Construct, id: string, props: AllowConnectionProps) {
    super(scope, id);
    const api = `new AllowConnection(${JSON.stringify(id)})`;
    requireObject(api, 'the props', props, '{ source: Peer.workload(frontend), destination: Peer.workload(api), ports: [Port.tcp(8080)] }');
    requireValue(api, 'source', props.source, isPeer, 'a peer, e.g. Peer.workload(frontend)');
    requireValue(api, 'destination', props.destination, isPeer, 'a peer, e.g. Peer.workload(api)');
    requireArray(api, 'ports', props.ports, p => p instanceof Port, 'Port.tcp(8080)');
    const chartNamespace = Chart.of(this).namespace;
    const source = resolveEnd(api, 'source', props.source, chartNamespace);
    const destination = resolveEnd(api, 'destination', props.destination, chartNamespace);
    if (!source.pods && !destination.pods) {
      fail(ErrorCode.INVALID_PEER, api, `neither end is pods (source: ${props.source}; destination: ${props.destination}); there is no policy to write.`);
    }
    if (source.pods && destination.pods && (source.namespaceName === undefined) !== (destination.namespaceName === undefined)) {
      fail(ErrorCode.INVALID_PEER, api, `one end is in a named namespace and the other in the chart's unnamed namespace, so the policies cannot refer to each other. Give the chart a namespace, or use Peer.podsInNamespace() for both ends.`);
    }

    if (source.pods) {
      this.egressPolicy = new AllowTo(this, 'Egress', {
        namespaceName: source.namespaceName,
        name: props.egressPolicyName ?? derivedName(source.pods.pods, 'allow-to', [props.destination]),
        pods: source.pods.pods,
        peers: [destination.peer],
        ports: props.ports,
      });
    }
    if (destination.pods) {
      this.ingressPolicy = new AllowFrom(this, 'Ingress', {
        namespaceName: destination.namespaceName,
        name: props.ingressPolicyName ?? derivedName(destination.pods.pods, 'allow-from', [props.source]),
        pods: destination.pods.pods,
        peers: [source.peer],
        ports: props.ports,
      });
    }
    const written = [source, destination].filter(end => end.pods && end.namespaceName !== undefined).map(end => end.namespaceName!);
    watchDeclaredNamespaces(this.node.root);
    this.node.addValidation({ validate: () => undeclaredNamespaces(this, written) });
  }
}

interface ResolvedEnd {
  /** The pods to write a policy for, if the end is pods. */
  readonly pods?: PodSet;
  /** Their namespace (resolved against the chart's). */
  readonly namespaceName?: string;
  /** The peer to name in the other end's rule, valid from any namespace. */
  readonly peer: IPeer;
}

function resolveEnd(api: string, field: string, peer: IPeer, chartNamespace: string | undefined): ResolvedEnd {
  const pods = peer.toPodSet();
  if (pods) {
    const namespaceName = pods.namespaceName ?? chartNamespace;
    const absolute = namespaceName === undefined ? Peer.pods(pods.pods) : Peer.podsInNamespace(namespaceName, pods.pods);
    return { pods, namespaceName, peer: absolute };
  }
  if (peer.toPeerModel(undefined)?.ipBlock) return { peer };
  return fail(ErrorCode.INVALID_PEER, api, `${field} is ${peer}, which is neither pods of one namespace nor an address range, so no policy can be written for it. Use AllowFrom or AllowTo for a one-sided rule.`);
}

function undeclaredNamespaces(connection: AllowConnection, namespaces: string[]): string[] {
  const declared = declaredNamespacesOf(connection.node.root);
  return [...new Set(namespaces)].filter(ns => !declared.has(ns)).map(ns =>
    `AllowConnection would write a NetworkPolicy into namespace "${ns}", which this app does not declare (no chart has that namespace and no Namespace object has that name). Declare it (e.g. new IsolatedNamespace(...)), or write only the half you own with AllowFrom or AllowTo.`);
}

/**
 * Per app (its root), the namespaces it declares, worked out once per validation pass rather than once per
 * AllowConnection (an app generated from a capture has thousands, and each walk visits the whole tree).
 */
const declaredByRoot = new WeakMap<IConstruct, Set<string>>();
/** The roots whose validation forgets their declared namespaces. */
const watchedRoots = new WeakSet<IConstruct>();

/**
 * Makes each validation pass of the app work out its declared namespaces afresh: cdk8s validates the root first in
 * every pass (as `Checker` relies on too), so the root's own validation forgets what the last pass found.
 */
function watchDeclaredNamespaces(root: IConstruct): void {
  if (watchedRoots.has(root)) return;
  watchedRoots.add(root);
  root.node.addValidation({ validate: () => { declaredByRoot.delete(root); return []; } });
}

/** `declaredNamespaces` of the app, kept for the rest of the validation pass (and forgotten after it, at the latest). */
function declaredNamespacesOf(root: IConstruct): Set<string> {
  let names = declaredByRoot.get(root);
  if (!names) {
    const found = declaredNamespaces(root);
    declaredByRoot.set(root, found);
    queueMicrotask(() => { if (declaredByRoot.get(root) === found) declaredByRoot.delete(root); });
    names = found;
  }
  return names;
}

/** Namespaces an app declares: its charts' namespaces and the names of its Namespace objects. */
function declaredNamespaces(root: IConstruct): Set<string> {
  const names = new Set<string>();
  for (const c of root.node.findAll()) {
    if (Chart.isChart(c) && c.namespace) names.add(c.namespace);
    if (c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1') names.add(c.name);
  }
  return names;
}

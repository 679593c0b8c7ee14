/**
 * The plain-data model of NetworkPolicies, namespaces and workloads.
 *
 * Constructs write it, the renderer turns it into Kubernetes manifests, the manifest loader parses YAML into it,
 * and the analysis engine and the rules read it. Field names follow the Kubernetes API, except where the
 * Kubernetes name is a reserved word in a jsii target language (`from`/`to` → `peers`, `except` → `exceptCidrs`,
 * `namespace` → `namespaceName`) or a union type (`port` → `port` or `portName`).
 */
import type { ClusterPolicyModel } from './cluster-policy';

/** A transport protocol a NetworkPolicy port can name. */
export enum Protocol {
  /** Transmission Control Protocol (the Kubernetes default). */
  TCP = 'TCP',
  /** User Datagram Protocol. */
  UDP = 'UDP',
  /** Stream Control Transmission Protocol. */
  SCTP = 'SCTP',
}

/** A traffic direction a NetworkPolicy can isolate (`spec.policyTypes`). */
export enum PolicyType {
  /** Traffic arriving at the selected pods. */
  INGRESS = 'Ingress',
  /** Traffic leaving the selected pods. */
  EGRESS = 'Egress',
}

/** The operator of one label selector requirement (`matchExpressions[].operator`). */
export enum LabelOperator {
  /** The label is present and its value is one of the values. */
  IN = 'In',
  /** The label is absent, or its value is none of the values. */
  NOT_IN = 'NotIn',
  /** The label is present, whatever its value. */
  EXISTS = 'Exists',
  /** The label is absent. */
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One label selector requirement (`matchExpressions[]`). */
export interface LabelExpressionModel {
  /** The label key the requirement applies to. */
  readonly key: string;
  /** How the key relates to the values (`operator`; renamed because it is a reserved word in C#). */
  readonly op: LabelOperator;
  /**
   * The values, for `In` and `NotIn` (non-empty); absent for `Exists` and `DoesNotExist`.
   * @default - no values
   */
  readonly values?: string[];
}

/**
 * A Kubernetes label selector. Both fields absent (or empty) selects everything.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
export interface SelectorModel {
  /**
   * Labels that must all be present with exactly these values.
   * @default - no label equality requirements
   */
  readonly matchLabels?: { [key: string]: string };
  /**
   * Requirements that must all hold.
   * @default - no expression requirements
   */
  readonly matchExpressions?: LabelExpressionModel[];
}

/** An address range outside the cluster (`ipBlock`). */
export interface IpBlockModel {
  /** The range, in canonical CIDR notation (`10.0.0.0/8`, `2001:db8::/32`). */
  readonly cidr: string;
  /**
   * Ranges inside `cidr` that are left out (`except`).
   * @default - nothing is left out
   */
  readonly exceptCidrs?: string[];
}

/**
 * One entry of a rule's `from` or `to` list. Kubernetes ANDs the fields of one entry: `namespaceSelector` and
 * `podSelector` together select the matching pods of the matching namespaces.
 */
export interface PeerModel {
  /**
   * Pods, in the policy's namespace unless `namespaceSelector` is also set.
   * @default - no pod selection
   */
  readonly podSelector?: SelectorModel;
  /**
   * Namespaces; alone it selects every pod in them.
   * @default - no namespace selection
   */
  readonly namespaceSelector?: SelectorModel;
  /**
   * Addresses; never combined with the selectors.
   * @default - no address selection
   */
  readonly ipBlock?: IpBlockModel;
}

/** One entry of a rule's `ports` list. */
export interface PortModel {
  /** The protocol. */
  readonly protocol: Protocol;
  /**
   * A port number (1-65535). With neither `port` nor `portName`, every port of the protocol.
   * @default - every port of the protocol, unless portName is set
   */
  readonly port?: number;
  /**
   * The last port of an inclusive range that starts at `port`.
   * @default - a single port
   */
  readonly endPort?: number;
  /**
   * A named container port of the destination pod (IANA_SVC_NAME), instead of a number.
   * @default - a numbered port (or every port)
   */
  readonly portName?: string;
}

/** One ingress or egress rule: traffic to or from any of the peers, on any of the ports. */
export interface RuleModel {
  /**
   * The peers (`from` or `to`). Absent or empty means every source or destination, including addresses outside
   * the cluster.
   * @default - every peer
   */
  readonly peers?: PeerModel[];
  /**
   * The ports. Absent or empty means every port of every protocol.
   * @default - every port
   */
  readonly ports?: PortModel[];
}

/** Where a model object came from, for messages and reports. */
export interface SourceModel {
  /**
   * The construct path, for objects defined in a cdk8s app.
   * @default - not defined by a construct
   */
  readonly constructPath?: string;
  /**
   * The file, for objects loaded from manifests.
   * @default - not loaded from a file
   */
  readonly file?: string;
  /**
   * The zero-based index of the YAML document within the file.
   * @default - not loaded from a file
   */
  readonly documentIndex?: number;
}

/** A NetworkPolicy (`networking.k8s.io/v1`). */
export interface PolicyModel {
  /** `metadata.name`. */
  readonly name: string;
  /**
   * `metadata.namespace`.
   * @default - the namespace the manifest is applied to (cdk8s: the chart's namespace)
   */
  readonly namespaceName?: string;
  /**
   * `metadata.labels`.
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * `metadata.annotations`.
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };
  /** The pods of the namespace the policy applies to; an empty selector selects all of them. */
  readonly podSelector: SelectorModel;
  /**
   * The directions the policy isolates. Absent means Kubernetes' default: Ingress, plus Egress when there is at
   * least one egress rule.
   * @default - Kubernetes' default
   */
  readonly policyTypes?: PolicyType[];
  /**
   * The ingress rules; traffic matching any one of them is allowed in.
   * @default - none
   */
  readonly ingress?: RuleModel[];
  /**
   * The egress rules; traffic matching any one of them is allowed out.
   * @default - none
   */
  readonly egress?: RuleModel[];
  /**
   * Where the policy was defined.
   * @default - unknown
   */
  readonly source?: SourceModel;
}

/** A Namespace. */
export interface NamespaceModel {
  /** `metadata.name`. */
  readonly name: string;
  /**
   * `metadata.labels`, as written (the API server adds `kubernetes.io/metadata.name` itself).
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * `metadata.annotations`.
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Where the namespace was defined.
   * @default - unknown
   */
  readonly source?: SourceModel;
}

/** A port a container listens on, as far as NetworkPolicy named ports are concerned. */
export interface ContainerPortModel {
  /**
   * The port's name, which named ports in policies refer to.
   * @default - unnamed
   */
  readonly name?: string;
  /** The port number. */
  readonly containerPort: number;
  /** The protocol. */
  readonly protocol: Protocol;
}

/**
 * A group of pods with identical labels: a workload (Deployment, StatefulSet, DaemonSet, Job, ...) or a bare Pod.
 */
export interface WorkloadModel {
  /** The kind (`Deployment`, `Pod`, ...). */
  readonly kind: string;
  /** `metadata.name` of the workload (or pod). */
  readonly name: string;
  /** The namespace the pods run in. */
  readonly namespaceName: string;
  /**
   * The labels of the pods (the pod template's labels for a workload).
   * @default - no labels
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The container ports of the pods.
   * @default - no declared ports
   */
  readonly ports?: ContainerPortModel[];
  /**
   * Whether the pods use the node's network namespace; NetworkPolicies do not apply to such pods.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * Where the workload was defined.
   * @default - unknown
   */
  readonly source?: SourceModel;
}

/** Everything the analysis needs to know about a cluster: namespaces, workloads and policies. */
export interface ClusterModel {
  /** The namespaces. */
  readonly namespaces: NamespaceModel[];
  /** The workloads. */
  readonly workloads: WorkloadModel[];
  /** The NetworkPolicies. */
  readonly policies: PolicyModel[];
  /**
   * The cluster-scoped policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy), in input
   * order; the engine orders them by tier and priority.
   * @default - none
   */
  readonly clusterPolicies?: ClusterPolicyModel[];
}

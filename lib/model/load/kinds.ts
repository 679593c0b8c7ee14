/**
 * The kinds the loader reads, skips or ignores, and which of their fields the analysis uses.
 */

/** A parsed JSON object. */
export type Json = { [key: string]: unknown };

/** Whether a value is a JSON object (not null, not a list). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The workload kinds the loader understands, with where their pod template is. */
export const TEMPLATE_KINDS: { readonly [kind: string]: readonly string[] } = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Whether `kind` is one of `TEMPLATE_KINDS` (and not a name inherited from Object.prototype). */
export function isTemplateKind(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_KINDS, kind);
}

/** Kinds that do not affect pod-to-pod connectivity under NetworkPolicies; skipped with an info diagnostic. */
export const IGNORED_KINDS = new Set([
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'Endpoints', 'EndpointSlice', 'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass', 'HorizontalPodAutoscaler',
  'PodDisruptionBudget', 'CustomResourceDefinition', 'LimitRange', 'ResourceQuota', 'PriorityClass', 'Event', 'Node',
  'ControllerRevision', 'Lease', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'PodSecurityPolicy', 'VerticalPodAutoscaler', 'IngressClass',
  'StagedKubernetesNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', // Calico: evaluated, never enforced
]);

/** Whether an apiVersion names a CNI's own NetworkPolicy kind (Calico's projectcalico.org, Cilium's cilium.io). */
export function isCniPolicy(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && /^(projectcalico\.org|crd\.projectcalico\.org|cilium\.io)\//.test(apiVersion);
}

/** API groups whose kinds are network policies of their own: Cilium, Calico, Antrea, OVN-Kubernetes, OpenShift, and the
 * cluster-wide policies of kubernetes-sigs/network-policy-api (AdminNetworkPolicy, ClusterNetworkPolicy, ...). */
const POLICY_GROUPS = /^(cilium\.io|projectcalico\.org|crd\.projectcalico\.org|crd\.antrea\.io|k8s\.ovn\.org|network\.openshift\.io|policy\.networking\.k8s\.io)\//;

/**
 * Whether the kind and apiVersion are a cluster-scoped policy the analysis models: policy.networking.k8s.io/v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, and policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy.
 * Other versions of the group (v1beta1, ...) stay unmodelled.
 */
export function isClusterPolicy(kind: string, apiVersion: unknown): boolean {
  return (apiVersion === 'policy.networking.k8s.io/v1alpha1' && (kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy'))
    || (apiVersion === 'policy.networking.k8s.io/v1alpha2' && kind === 'ClusterNetworkPolicy');
}

/**
 * Whether an object changes connectivity in a way the analysis does not model: any kind of the policy groups above,
 * and any other kind named like a network policy, except networking.k8s.io/v1 NetworkPolicy and the cluster-scoped
 * policies of `isClusterPolicy`. Staged kinds, which enforce nothing, are in IGNORED_KINDS and checked first.
 */
export function isUnmodelledPolicy(kind: string, apiVersion: unknown): boolean {
  if (kind === 'NetworkPolicy' && apiVersion === 'networking.k8s.io/v1') return false;
  if (isClusterPolicy(kind, apiVersion)) return false;
  return (typeof apiVersion === 'string' && POLICY_GROUPS.test(apiVersion)) || /NetworkPolicy$/.test(kind);
}

/** The kind of a List's items when the List names it (`PodList` holds Pods), or undefined for `List`. */
export function listItemKind(kind: string): string | undefined {
  return kind !== 'List' && kind.endsWith('List') ? kind.slice(0, -'List'.length) : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether the analysis uses the field at `field` of a document (e.g. `items[2].spec.ingress[0].ports[0].port`):
 * names, namespaces and labels of the kinds it reads, a NetworkPolicy's or cluster-scoped policy's spec, a Namespace's
 * annotations, and a pod's container ports and hostNetwork.
 */
export function isAnalysedField(document: unknown, field: string): boolean {
  let object = document;
  let rest = field;
  let itemKind: string | undefined;
  for (let m = /^items\[(\d+)\]\.?/.exec(rest); m && isObject(object) && Array.isArray(object.items); m = /^items\[(\d+)\]\.?/.exec(rest)) {
    itemKind = typeof object.kind === 'string' ? listItemKind(object.kind) : undefined;
    object = object.items[Number(m[1])];
    rest = rest.slice(m[0].length);
  }
  if (!isObject(object)) return false;
  const kind = typeof object.kind === 'string' ? object.kind : itemKind;
  if (kind === undefined) return false;
  const pod = (prefix: string) => new RegExp(`^${escape(prefix)}(metadata\\.labels|spec\\.hostNetwork|spec\\.containers\\[\\d+\\]\\.ports)(\\.|\\[|$)`);
  const own = /^metadata\.(name|namespace|labels)(\.|$)/;
  if (isClusterPolicy(kind, object.apiVersion)) return own.test(rest) || /^spec(\.|\[|$)/.test(rest);
  if (kind === 'NetworkPolicy') return !isCniPolicy(object.apiVersion) && (own.test(rest) || /^(spec|metadata\.annotations)(\.|\[|$)/.test(rest));
  if (kind === 'Namespace') return own.test(rest) || /^metadata\.annotations(\.|$)/.test(rest);
  if (kind === 'Pod') return own.test(rest) || /^metadata\.ownerReferences(\.|\[|$)/.test(rest) || pod('').test(rest);
  if (isTemplateKind(kind)) return own.test(rest) || pod(`${TEMPLATE_KINDS[kind].join('.')}.`).test(rest);
  return false;
}

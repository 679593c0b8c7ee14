/**
 * The offline analysis engine: exact networking.k8s.io/v1 NetworkPolicy semantics over the plain-data model, with no
 * cdk8s dependency, so the CLI can run it on any YAML.
 *
 * Decisions (each checked against the Kubernetes documentation, the upstream e2e tests, or the np-guard
 * conformance scenarios):
 * - Semantics are those of networking.k8s.io/v1 as of Kubernetes 1.25+ (endPort GA, SCTP GA, namespaces carry
 *   `kubernetes.io/metadata.name`). Isolation is per direction; a connection needs egress at the source and ingress
 *   at the destination; the allowed set is the union over every selecting policy and rule.
 * - Peers are workloads (a Deployment, a Pod's controller owner, or a bare Pod); a workload never connects to
 *   itself in the list. Workloads with the same namespace, pod labels, named ports and host-network setting form one
 *   equivalence class and are evaluated once.
 * - ipBlocks never match pods (pod IPs are not modelled); pod and namespace selectors never match addresses.
 * - External addresses are listed as IPv4 ranges cut at every ipBlock boundary of every ingress rule (sources) and
 *   egress rule (destinations). IPv6 ipBlocks do not cut the IPv4 list; they are honoured when `allowed`/`explain`
 *   get an IPv6 address.
 * - Named ports resolve against the destination's container ports (name and protocol). For an egress rule towards an
 *   address outside the cluster they resolve to nothing (the reference tool rejects such policies outright).
 * - Host-network pods are treated like other pods by default (as the reference tool does); `HostNetworkMode.NODE`
 *   treats them like their node instead.
 * - Namespaces referenced but not declared exist with only their name label.
 * - Cluster-scoped policies (v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha2
 *   ClusterNetworkPolicy) decide in tiers around the NetworkPolicies: Admin first, Baseline only for pods no
 *   NetworkPolicy isolates; see ./tiers.
 * - Exposure (`Analysis.exposure()`, ./exposure): what each workload is open to beyond the workloads of the input,
 *   from the NetworkPolicies' selectors, as np-guard's `list --exposure` reports it.
 */
export * from './analysis';
export * from './classes';
export * from './compiled';
export * from './connection-set';
export * from './diff';
export * from './endpoints';
export { HostNetworkMode } from './engine';
export type { Address, AnalysisOptions, SideRules } from './engine';
export * from './explain';
export * from './exposure';
export * from './grouped';
export * from './grouped-diff';
export * from './external';
export * from './output';
export * from './output/exposure';
export * from './output/grouped';
export * from './output/grouped-diff';
export * from './selectors';
export * from './tiers';

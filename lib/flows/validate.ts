/**
 * The values of an observed flow that end up in a generated policy, checked against Kubernetes' rules before any
 * construct sees them: the namespace of each pod end, the stable labels its selector is chosen from, the address of
 * an end outside the cluster, and the protocol and port. A flow with a problem is skipped and reported with its line;
 * it never reaches the building blocks, which would throw.
 */
import { parseCidr } from '../model/cidr';
import { checkLabelKey, checkLabelValue, checkNamespaceName, checkPortNumber } from '../model/validation';
import { FlowEndpoint, ObservedFlow } from './hubble';
import { isStableLabelKey, kubernetesLabel } from './workloads';

/** One invalid value of a flow. */
export interface FlowProblem {
  /** Which end (`source` or `destination`), or undefined for the flow's port and protocol. */
  readonly side?: 'source' | 'destination';
  /** The field within the end (`namespace`, `labels[2]`, `ip`) or the flow (`port`, `protocol`). */
  readonly field: string;
  /** The value as recorded. */
  readonly value: unknown;
  /** What is wrong and what is allowed, e.g. `label value "bad value" is not valid: use letters, ...`. */
  readonly problem: string;
}

/** The invalid values of an end of a flow (see the module comment); empty when it can be used. */
export function checkFlowEndpoint(endpoint: FlowEndpoint, side: 'source' | 'destination'): FlowProblem[] {
  const problems: FlowProblem[] = [];
  if (endpoint.namespace !== undefined) {
    const problem = checkNamespaceName(endpoint.namespace);
    if (problem) problems.push({ side, field: 'namespace', value: endpoint.namespace, problem });
    // Only the labels a selector may be chosen from matter (those `stableLabels` keeps); bookkeeping and rollout
    // labels are never used.
    const labels = endpoint.labels;
    for (let index = 0; index < labels.length; index++) {
      const problem = labelProblem(labels[index]);
      if (problem) problems.push({ side, field: `labels[${index}]`, value: labels[index], problem });
    }
  } else if (endpoint.ip !== undefined && !isIpAddress(endpoint.ip)) {
    problems.push({ side, field: 'ip', value: endpoint.ip, problem: `"${endpoint.ip}" is not an IPv4 or IPv6 address` });
  }
  return problems;
}

/** Labels already checked, with their problem ('' when there is none), up to a bound: the pods of a capture share labels. */
const checkedLabels = new Map<string, string>();

/**
 * What is wrong with one of Cilium's labels of a pod: the key's problem, else the value's; undefined when nothing is,
 * or when the label is not a `k8s:` label a selector may be chosen from (those `stableLabels` keeps).
 */
function labelProblem(label: string): string | undefined {
  let problem = checkedLabels.get(label);
  if (problem === undefined) {
    problem = '';
    const k8s = kubernetesLabel(label);
    if (k8s && isStableLabelKey(k8s.key)) problem = checkLabelKey(k8s.key) ?? checkLabelValue(k8s.value) ?? '';
    if (checkedLabels.size >= 100_000) checkedLabels.clear();
    checkedLabels.set(label, problem);
  }
  return problem || undefined;
}

/** The invalid values of a flow: both ends, the protocol and the port. Empty when every value can be used. */
export function checkObservedFlow(flow: ObservedFlow): FlowProblem[] {
  const problems = [...checkFlowEndpoint(flow.source, 'source'), ...checkFlowEndpoint(flow.destination, 'destination')];
  if (!['TCP', 'UDP', 'SCTP'].includes(flow.protocol)) {
    problems.push({ field: 'protocol', value: flow.protocol, problem: `protocol ${JSON.stringify(flow.protocol)} is not one a NetworkPolicy port can name (TCP, UDP or SCTP)` });
  }
  const portProblem = checkPortNumber(flow.port);
  if (portProblem) problems.push({ field: 'port', value: flow.port, problem: portProblem });
  return problems;
}

/** Whether `text` is one IPv4 or IPv6 address (no prefix length). */
export function isIpAddress(text: string): boolean {
  if (typeof text !== 'string' || text.includes('/')) return false;
  return typeof parseCidr(`${text}/${text.includes(':') ? 128 : 32}`) !== 'string';
}

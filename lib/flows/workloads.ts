/**
 * Who a flow endpoint is: the workload behind a pod, identified by its stable labels.
 *
 * Cilium records a pod's Kubernetes labels as `k8s:<key>=<value>`. Labels that change with every rollout or differ
 * between replicas of one workload are dropped (`UNSTABLE_LABEL_KEYS`), as are Cilium's and Kubernetes' own
 * `io.cilium.*` / `io.kubernetes.*` labels (namespace, service account, cluster name). What remains identifies the
 * workload, and a selector is chosen from it (`chooseSelectors`).
 */
import { sortKeys } from '../analysis/selectors';
import { FlowEndpoint } from './hubble';

/** Label keys that differ between rollouts or replicas of one workload, never used to identify or select it. */
export const UNSTABLE_LABEL_KEYS: readonly string[] = [
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
  'controller-uid',
  'job-name',
];

/** Label key prefixes that belong to Cilium or Kubernetes bookkeeping, not to the application. */
const BOOKKEEPING_PREFIXES = ['io.kubernetes.', 'io.cilium.'];

/** Keys preferred, alone, as a workload's selector, in this order. */
export const PREFERRED_SELECTOR_KEYS: readonly string[] = ['app.kubernetes.io/name', 'app'];

/**
 * One of Cilium's identity labels as a Kubernetes label: `k8s:key=value` (`k8s:key` has the value ''), split at the
 * first `=`; undefined for a label of another source (`reserved:`, `cilium:`, ...).
 */
export function kubernetesLabel(label: string): { key: string; value: string } | undefined {
  if (!label.startsWith('k8s:')) return undefined;
  const eq = label.indexOf('=', 4);
  return eq < 0 ? { key: label.slice(4), value: '' } : { key: label.slice(4, eq), value: label.slice(eq + 1) };
}

/** Whether a Kubernetes label key is Cilium's or Kubernetes' bookkeeping (`io.cilium.*`, `io.kubernetes.*`). */
export function isBookkeepingLabelKey(key: string): boolean {
  return BOOKKEEPING_PREFIXES.some(p => key.startsWith(p));
}

/** Whether a Kubernetes label key identifies a workload: neither bookkeeping nor one of `UNSTABLE_LABEL_KEYS`. */
export function isStableLabelKey(key: string): boolean {
  return !UNSTABLE_KEYS.has(key) && !isBookkeepingLabelKey(key);
}

const UNSTABLE_KEYS: ReadonlySet<string> = new Set(UNSTABLE_LABEL_KEYS);

/** The stable Kubernetes labels of an endpoint, sorted by key. */
export function stableLabels(endpoint: FlowEndpoint): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  for (const label of endpoint.labels) {
    const k8s = kubernetesLabel(label);
    if (k8s && isStableLabelKey(k8s.key)) labels[k8s.key] = k8s.value;
  }
  return sortKeys(labels);
}

/**
 * A readable name for the workload: Hubble's `workloads[0].name` when recorded, else the pod name without its
 * ReplicaSet/StatefulSet suffix, else the value of a preferred label.
 */
export function workloadName(endpoint: FlowEndpoint, labels: { [key: string]: string }): string {
  if (endpoint.workloadName) return dnsName(endpoint.workloadName);
  const all = new Map<string, string>();
  for (const label of endpoint.labels) {
    const k8s = kubernetesLabel(label);
    if (k8s) all.set(k8s.key, k8s.value);
  }
  const pod = endpoint.podName;
  if (pod) {
    const hash = all.get('pod-template-hash');
    if (hash && pod.includes(`-${hash}-`)) return dnsName(pod.slice(0, pod.lastIndexOf(`-${hash}-`)));
    if (all.has('statefulset.kubernetes.io/pod-name') && /-\d+$/.test(pod)) return dnsName(pod.replace(/-\d+$/, ''));
    if (all.has('controller-revision-hash') && /-[a-z0-9]{5}$/.test(pod)) return dnsName(pod.replace(/-[a-z0-9]{5}$/, ''));
  }
  const preferred = [...PREFERRED_SELECTOR_KEYS, 'k8s-app'].find(k => labels[k]);
  if (preferred) return dnsName(labels[preferred]);
  return dnsName(pod ?? Object.values(labels).find(v => v) ?? 'workload');
}

/**
 * Chooses each workload's selector among the observed workloads of one namespace: a preferred label alone
 * (`app.kubernetes.io/name`, else `app`) when no other observed workload of the namespace carries it with the same
 * value; else every stable label. Returns, per workload (same order), the selector and whether it still also matches
 * another observed workload (which only `matchExpressions` could exclude; reported to the user).
 */
export function chooseSelectors(workloads: { [key: string]: string }[]): { selector: { [key: string]: string }; ambiguous: boolean }[] {
  const matches = (selector: { [key: string]: string }, labels: { [key: string]: string }) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  return workloads.map((labels, i) => {
    const others = workloads.filter((_, j) => j !== i);
    for (const key of PREFERRED_SELECTOR_KEYS) {
      if (labels[key] === undefined) continue;
      const candidate = { [key]: labels[key] };
      if (!others.some(o => matches(candidate, o))) return { selector: candidate, ambiguous: false };
    }
    return { selector: labels, ambiguous: others.some(o => matches(labels, o)) };
  });
}

/** Lowercase DNS-label form of a name (`Checkout_API` → `checkout-api`). */
export function dnsName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'workload';
}


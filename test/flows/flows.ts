/** Small builders of observed flows for the inference and codegen tests. */
import { FlowEndpoint, FlowProtocol, ObservedFlow } from '../../lib/flows/hubble';

/** A pod of `workload` in `namespace`, labelled with `labels` plus the bookkeeping Cilium adds. */
export function pod(namespace: string, workload: string, labels: { [k: string]: string }, podSuffix = 'x2k4j'): FlowEndpoint {
  return {
    namespace,
    labels: [...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`), `k8s:io.kubernetes.pod.namespace=${namespace}`, 'k8s:pod-template-hash=7c9f8d6b5'],
    podName: `${workload}-7c9f8d6b5-${podSuffix}`,
    workloadName: workload,
    workloadKind: 'Deployment',
  };
}

/** An address outside the cluster. */
export function world(ip: string): FlowEndpoint {
  return { labels: ['reserved:world'], ip };
}

/** The cluster DNS. */
export const COREDNS = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });

let line = 0;

/** A forwarded connection start. */
export function flow(source: FlowEndpoint, destination: FlowEndpoint, protocol: FlowProtocol, port: number, extra: Partial<ObservedFlow> = {}): ObservedFlow {
  return { line: ++line, source, destination, protocol, port, verdict: 'FORWARDED', direction: 'EGRESS', destinationNames: [], ...extra };
}

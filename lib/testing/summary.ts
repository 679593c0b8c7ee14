/**
 * A short connectivity summary of a construct tree, for the end of `cdk8s synth`: counts, every allowed
 * connection between workloads, and how many workloads reach (or are reached from) outside the cluster.
 */
import { IConstruct } from 'constructs';
import { Analysis, connlistLine } from '../analysis';
import { clusterOf, unmodelledPolicies } from '../cluster-of';
import { someOf } from '../model/load';

/** Renders the summary as text lines; a last line names the policies it leaves out, of kinds it does not model. */
export function connectivitySummary(scope: IConstruct): string {
  const { cluster, diagnostics } = clusterOf(scope);
  const unmodelled = unmodelledPolicies(diagnostics);
  const connections = Analysis.of(cluster).connections();
  const internal = connections.filter(c => c.src.type === 'workload' && c.dst.type === 'workload');
  const egress = new Set(connections.filter(c => c.dst.type === 'external').map(c => connlistLine(c).split(' => ')[0]));
  const ingress = new Set(connections.filter(c => c.src.type === 'external').map(c => connlistLine(c).split(' => ')[1].split(' : ')[0]));
  const namespaces = new Set([...cluster.namespaces.map(n => n.name), ...cluster.workloads.map(w => w.namespaceName)]);
  return [
    `cdk8s-netpol: ${cluster.policies.length} NetworkPolicies${clusterWide(cluster.clusterPolicies?.length ?? 0)}, ${cluster.workloads.length} workloads in ${namespaces.size} namespaces`,
    `allowed connections between workloads (${internal.length}):`,
    ...internal.map(c => `  ${connlistLine(c)}`),
    `workloads that may reach addresses outside the cluster: ${egress.size}; reachable from outside: ${ingress.size}`,
    ...(unmodelled.length > 0 ? [`left out: ${unmodelled.length} polic${unmodelled.length === 1 ? 'y' : 'ies'} of kinds the analysis does not model (${someOf(unmodelled)}); on the cluster they can allow or deny more`] : []),
  ].join('\n') + '\n';
}

/** `, 5 cluster-wide policies`, or nothing. */
function clusterWide(count: number): string {
  return count === 0 ? '' : `, ${count} cluster-wide polic${count === 1 ? 'y' : 'ies'}`;
}

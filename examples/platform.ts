/**
 * The platform's cluster-wide layer over the apps of guide.ts and shop.ts: guardrails no namespace can override,
 * tenants kept apart, and a default deny for namespaces without NetworkPolicies of their own.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterBaseline, ClusterGuardrails, Port, Selector, TenantIsolation } from '../lib';

/** Cluster-wide policies (v1alpha2 ClusterNetworkPolicy), written once by the platform team. */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // Admin tier, before any NetworkPolicy: DNS and prometheus scrapes always work, the cloud metadata address never.
    new ClusterGuardrails(this, 'guardrails', {
      monitoring: { namespaceName: 'monitoring', pods: Selector.labels({ app: 'prometheus' }), ports: [Port.tcp(9090)] },
    });

    // Admin tier: namespaces of one team (label team=...) never reach another team's, whatever their policies say.
    new TenantIsolation(this, 'tenants', { tenantLabel: 'team', tenants: ['storefront', 'research'] });

    // Baseline tier: pods no NetworkPolicy isolates may resolve names and nothing else. The ingress controller's
    // namespace is left out: it must reach the storefront.
    new ClusterBaseline(this, 'baseline', { exemptNamespaces: ['ingress-nginx'] });
  }
}

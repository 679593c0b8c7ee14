/**
 * Every manifest of the field guide ("Kubernetes network policies", ../shared/seeds), written with cdk8s-netpol.
 * Names match the guide's, so the synthesized YAML can be compared with it line by line.
 */
import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AllowEgressCidr, AllowFrom, AllowTo, DefaultDeny, DnsAccess, IsolatedNamespace, Peer, Port, Selector,
} from '../lib';

const api = Selector.labels({ app: 'api' });
const frontend = Selector.labels({ app: 'frontend' });
const postgres = Selector.labels({ app: 'postgres' });

/** The guide's production namespace: default deny, DNS, and the frontend → api → postgres chain. */
export class GuideChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'production', ...props });

    // "Start with Default Deny": default-deny-all.
    new DefaultDeny(this, 'default-deny-all');

    // "Allow DNS or Everything Breaks": allow-dns (UDP and TCP 53 to kube-system only).
    new DnsAccess(this, 'allow-dns');

    // "Ingress Rules": only the frontend reaches the API on 8080, only the API reaches postgres on 5432.
    new AllowFrom(this, 'api-ingress', { name: 'api-ingress', pods: api, peers: [Peer.pods(frontend)], ports: [Port.tcp(8080)] });
    new AllowFrom(this, 'db-ingress', { name: 'db-ingress', pods: postgres, peers: [Peer.pods(api)], ports: [Port.POSTGRES] });

    // "Egress Rules": the API talks to postgres and to DNS (the guide's version allows DNS over UDP only).
    const apiEgress = new AllowTo(this, 'api-egress', { name: 'api-egress', pods: api, peers: [Peer.pods(postgres)], ports: [Port.POSTGRES] });
    apiEgress.addEgressRule([Peer.namespaceNamed('kube-system')], [Port.DNS_UDP]);

    // "...allow specific CIDR ranges": the API calls one AWS service range on 443, not 0.0.0.0/0.
    new AllowEgressCidr(this, 'api-egress-aws', { name: 'api-egress-aws', pods: api, cidrs: ['52.94.0.0/16'], ports: [Port.HTTPS] });

    // "Namespace Isolation": prometheus pods (AND) in namespaces labelled purpose=monitoring scrape the API on 9090.
    new AllowFrom(this, 'allow-monitoring-scrape', {
      name: 'allow-monitoring-scrape',
      pods: api,
      peers: [Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))],
      ports: [Port.tcp(9090)],
    });

    // What the guide forgets: default-deny-all also isolates the frontend's egress, so frontend → api needs an
    // egress rule on the frontend too. (AllowConnection writes both halves in one call; see shop.ts.)
    new AllowTo(this, 'frontend-egress', { pods: frontend, peers: [Peer.pods(api)], ports: [Port.tcp(8080)] });

    // The workloads the policies are about.
    deployment(this, 'frontend', 'nginx:1.27', 80);
    deployment(this, 'api', 'example/api:1.0', 8080);
    deployment(this, 'postgres', 'postgres:16', 5432);
  }
}

/**
 * The monitoring namespace the guide scrapes from, isolated too: prometheus gets the egress half of the scrape
 * (the guide shows only production's ingress half).
 */
export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'monitoring', ...props });
    const monitoring = new IsolatedNamespace(this, 'monitoring', { namespaceName: 'monitoring', labels: { purpose: 'monitoring' } });
    monitoring.allowTo(Selector.labels({ app: 'prometheus' }), [Peer.podsInNamespace('production', api)], [Port.tcp(9090)]);
    deployment(this, 'prometheus', 'prom/prometheus:v3.0.0', 9090);
  }
}

/**
 * The guide's OR form, written deliberately: pods of monitoring namespaces OR prometheus pods of this namespace.
 * A list of peers always means "any of"; the AND form is the single value Peer.podsInNamespaces().
 * It lives in its own namespace so it does not widen the production policies above.
 */
export class OrFormChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'or-form-demo', ...props });
    new IsolatedNamespace(this, 'or-form-demo', { namespaceName: 'or-form-demo' });
    const or = new AllowFrom(this, 'allow-monitoring-or-prometheus', {
      name: 'allow-monitoring-or-prometheus',
      pods: api,
      peers: [
        Peer.namespaces(Selector.labels({ purpose: 'monitoring' })),
        Peer.pods(Selector.labels({ app: 'prometheus' })),
      ],
      ports: [Port.tcp(9090)],
    });
    // The checker flags this shape (NP001) because in hand-written YAML it is usually a mistake; here it is meant.
    or.suppress('NP001', 'the guide\'s OR form, written on purpose to show the difference');
    or.suppress('NP009', 'a rendering demo: no workload here is meant to receive this traffic');
  }
}

function deployment(scope: Construct, app: string, image: string, port: number): kplus.Deployment {
  return new kplus.Deployment(scope, app, {
    metadata: { name: app },
    podMetadata: { labels: { app } },
    containers: [{ image, portNumber: port, securityContext: { ensureNonRoot: false } }],
  });
}

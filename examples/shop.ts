/**
 * A realistic multi-namespace app: a web tier and a data tier, each an IsolatedNamespace, wired with
 * AllowConnection (both halves of every connection) and cdk8s-plus-33 workloads (what `cdk8s init` installs today) as targets and peers; guide.ts uses cdk8s-plus-28.
 */
import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { AllowConnection, DnsAccess, IsolatedNamespace, Peer, Port, Selector } from '../lib';

/** The shop: ingress-nginx → web → checkout → orders-db and redis, checkout → payment provider. */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new IsolatedNamespace(this, 'shop-web', { namespaceName: 'shop-web', labels: { team: 'storefront' } });
    new IsolatedNamespace(this, 'shop-data', {
      namespaceName: 'shop-data',
      labels: { team: 'storefront' },
      dns: { dnsPods: DnsAccess.KUBE_DNS_PODS },
    });

    const storefront = workload(this, 'storefront', 'shop-web', 'example/storefront:2.3', 8080);
    const checkout = workload(this, 'checkout', 'shop-web', 'example/checkout:1.9', 8080);
    const ordersDb = workload(this, 'orders-db', 'shop-data', 'postgres:16', 5432);
    const cache = workload(this, 'redis', 'shop-data', 'redis:7', 6379);

    // Only the ingress controller reaches the storefront.
    web.allowFrom(
      Selector.podsOf(storefront),
      [Peer.podsInNamespace('ingress-nginx', Selector.labels({ 'app.kubernetes.io/name': 'ingress-nginx' }))],
      [Port.tcp(8080)],
    );

    // Each connection written once, both halves generated.
    new AllowConnection(this, 'storefront-to-checkout', { source: Peer.workload(storefront), destination: Peer.workload(checkout), ports: [Port.tcp(8080)] });
    new AllowConnection(this, 'checkout-to-orders-db', { source: Peer.workload(checkout), destination: Peer.workload(ordersDb), ports: [Port.POSTGRES] });
    new AllowConnection(this, 'checkout-to-redis', { source: Peer.workload(checkout), destination: Peer.workload(cache), ports: [Port.REDIS] });

    // The payment provider, by its published range, on HTTPS only.
    web.allowEgressCidr(Selector.podsOf(checkout), ['203.0.113.0/24'], [Port.HTTPS]);
  }
}

function workload(scope: Construct, app: string, namespaceName: string, image: string, port: number): kplus.Deployment {
  return new kplus.Deployment(scope, app, {
    metadata: { name: app, namespace: namespaceName },
    podMetadata: { labels: { app } },
    containers: [{ image, portNumber: port, securityContext: { ensureNonRoot: false } }],
  });
}

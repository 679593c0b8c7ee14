/**
 * The jest helper `replayFlows(app, flowsText)`: the observed connections a construct tree's policies would deny.
 * The app declares no workloads: the pods of the capture are evaluated as would-be pods with their recorded labels.
 */
import { Chart, Testing } from 'cdk8s';
import { AllowConnection, IsolatedNamespace, Peer, Port, Selector } from '../../lib';
import { replayFlows } from '../../lib/testing/replay';
import { fixtureText } from './support';

/** Namespace shop isolated (default deny for both directions, DNS to kube-dns allowed), and frontend -> api on TCP 8080. */
function shop(): Chart {
  const chart = new Chart(Testing.app(), 'shop');
  new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop' });
  new AllowConnection(chart, 'frontend-to-api', {
    source: Peer.podsInNamespace('shop', Selector.labels({ app: 'frontend' })),
    destination: Peer.podsInNamespace('shop', Selector.labels({ app: 'api' })),
    ports: [Port.tcp(8080)],
  });
  return chart;
}

describe('replayFlows', () => {
  test('returns the forwarded and audited connections the policies would deny, with the deciding policies', () => {
    const denied = replayFlows(shop(), fixtureText('replay/shop.jsonl'));
    // Under a default deny in both directions with only frontend -> api 8080 and DNS allowed: api -> db, frontend to
    // the internet (both addresses: no ipBlock tells them apart) and the debug pod -> api are cut. frontend -> api and
    // DNS are allowed; the kubelet probe comes from the node; the DROPPED flows are not "would be denied".
    expect(denied.map(g => `${g.source.name} -> ${g.destination.name} ${g.protocol} ${g.port}`)).toEqual([
      'shop/api -> shop/db TCP 5432',
      'shop/frontend -> 198.51.100.5, 203.0.113.10 TCP 443',
      'shop/{run=debug} -> shop/api TCP 8080',
    ]);
    expect(denied[0].decidedBy).toContain('shop/default-deny-all');
    expect(denied[0].explanation).toMatch(/^shop\/api may not connect to shop\/db on TCP 5432: egress of shop\/api is isolated by default-deny-all/);
  });

  test('returns nothing when the policies allow everything observed', () => {
    const chart = shop();
    new AllowConnection(chart, 'api-to-db', { source: Peer.podsInNamespace('shop', Selector.labels({ app: 'api' })), destination: Peer.podsInNamespace('shop', Selector.labels({ app: 'db' })), ports: [Port.tcp(5432)] });
    const frontendToApiOnly = fixtureText('replay/shop.jsonl').split('\n').slice(0, 7).join('\n');
    expect(replayFlows(chart, frontendToApiOnly)).toEqual([]);
  });

  test('throws on a capture without a usable connection start, so a broken fixture never passes as "nothing denied"', () => {
    expect(() => replayFlows(shop(), 'level=info msg="Starting"\n')).toThrow(/^replayFlows\(\): the flows hold no usable connection start .*flows:1: not JSON/);
  });
});

import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DefaultDeny, NetworkPolicy, Peer, PolicyType, Port, Protocol, Selector } from '../lib';
import { chartIn, manifest, policySpec } from './util';

const api = Selector.labels({ app: 'api' });
const frontend = Selector.labels({ app: 'frontend' });

describe('NetworkPolicy', () => {
  test('renders a policy whose rules were added after construction', () => {
    // GIVEN
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'api-policy', { pods: api });

    // WHEN
    policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(8080)]);
    policy.addEgressRule([Peer.ipv4('10.0.0.0/8')], [Port.tcpRange(8000, 8080)]);
    policy.addEgressRule([Peer.pods(frontend)], [Port.named('metrics')]);

    // THEN
    expect(manifest(chart, 'NetworkPolicy', 'api-policy')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-policy', namespace: 'production' },
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
        egress: [
          { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 8000, endPort: 8080 }] },
          { to: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] },
        ],
      },
    });
  });

  test('takes rules from props', () => {
    const chart = chartIn('production');
    new NetworkPolicy(chart, 'p', {
      pods: api,
      ingress: [{ peers: [Peer.anyone()], ports: [Port.allTraffic()] }],
    });
    expect(policySpec(chart, 'p')).toEqual({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{}] });
  });

  test('renders every port of a protocol as the protocol alone, never port 0', () => {
    const chart = chartIn('production');
    new NetworkPolicy(chart, 'p', { pods: api, egress: [{ peers: [Peer.allPods()], ports: [Port.allUdp(), Port.allSctp()] }] });
    expect(policySpec(chart, 'p').egress).toEqual([{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP' }, { protocol: 'SCTP' }] }]);
  });

  test('drops a rule added twice and a port listed twice', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api });
    policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(80), Port.tcp(80)]);
    policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(80), Port.tcp(80)]);
    expect(policySpec(chart, 'p').ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 80 }] }]);
  });

  test('writes explicit policyTypes even without rules for a direction', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api, policyTypes: [PolicyType.EGRESS, PolicyType.INGRESS] });
    policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(80)]);
    const spec = policySpec(chart, 'p');
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toBeUndefined();
  });

  test('derives its name from the construct id', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'ApiIngress', { pods: api, policyTypes: [PolicyType.INGRESS] });
    expect(policy.name).toBe('api-ingress');
    expect(ApiObject.of(policy).name).toBe('api-ingress');
  });

  test('takes the chart namespace unless namespaceName is given, and none when the chart has none', () => {
    const chart = chartIn('production');
    new NetworkPolicy(chart, 'a', { pods: api, policyTypes: [PolicyType.INGRESS] });
    new NetworkPolicy(chart, 'b', { pods: api, policyTypes: [PolicyType.INGRESS], namespaceName: 'staging' });
    expect(manifest(chart, 'NetworkPolicy', 'a').metadata.namespace).toBe('production');
    expect(manifest(chart, 'NetworkPolicy', 'b').metadata.namespace).toBe('staging');
    const bare = chartIn();
    new NetworkPolicy(bare, 'c', { pods: api, policyTypes: [PolicyType.INGRESS] });
    expect(manifest(bare, 'NetworkPolicy', 'c').metadata.namespace).toBeUndefined();
  });

  test('renders labels and annotations', () => {
    const chart = chartIn('production');
    new NetworkPolicy(chart, 'p', { pods: api, policyTypes: [PolicyType.INGRESS], labels: { team: 'a' }, annotations: { 'example.com/owner': 'team-a' } });
    expect(manifest(chart, 'NetworkPolicy', 'p').metadata).toEqual({
      name: 'p', namespace: 'production', labels: { team: 'a' }, annotations: { 'example.com/owner': 'team-a' },
    });
  });

  test('is its own manifest object, so ApiObject.of() and JSON patches reach it', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api, policyTypes: [PolicyType.INGRESS] });
    ApiObject.of(policy).metadata.addLabel('patched', 'yes');
    expect(ApiObject.of(policy)).toBe(policy);
    expect(manifest(chart, 'NetworkPolicy', 'p').metadata.labels).toEqual({ patched: 'yes' });
  });

  test('toModel() returns the plain-data policy with its construct path', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api, ingress: [{ peers: [Peer.pods(frontend)], ports: [Port.udp(53)] }] });
    expect(policy.toModel()).toEqual({
      name: 'p',
      namespaceName: 'production',
      labels: undefined,
      annotations: undefined,
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: [PolicyType.INGRESS],
      ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: Protocol.UDP, port: 53 }] }],
      egress: undefined,
      source: { constructPath: 'test/p' },
    });
  });

  test('selects the pods of a cdk8s-plus workload by their own labels', () => {
    const chart = chartIn('production');
    const deployment = new kplus.Deployment(chart, 'api', { podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api' }] });
    new NetworkPolicy(chart, 'p', { pods: Selector.podsOf(deployment), policyTypes: [PolicyType.INGRESS] });
    expect(policySpec(chart, 'p').podSelector).toEqual({ matchLabels: { app: 'api' } });
  });

  describe('errors', () => {
    test('throws if the name is not a DNS subdomain', () => {
      expect(() => new NetworkPolicy(chartIn('production'), 'p', { name: 'Api_Ingress', pods: api, policyTypes: [PolicyType.INGRESS] })).toThrow('new NetworkPolicy("p"): name "Api_Ingress" is not a DNS-1123 subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "api-ingress"). Pass a valid `name`.');
    });

    test('throws if the namespace name is not a DNS label', () => {
      expect(() => new NetworkPolicy(chartIn(), 'p', { namespaceName: 'Prod.1', pods: api, policyTypes: [PolicyType.INGRESS] })).toThrow(/new NetworkPolicy\("p"\): namespaceName: namespace name "Prod.1" is not a DNS-1123 label.*\(e.g. "prod-1"\)/);
    });

    test('throws if a label key or value is invalid', () => {
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], labels: { 'bad key': 'x' } })).toThrow(/new NetworkPolicy\("p"\): labels: label key "bad key" is not a valid name/);
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], labels: { team: '-a' } })).toThrow(/labels: label value "-a" is not valid/);
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { 'a/b/c': 'x' } })).toThrow(/annotations: annotation key "a\/b\/c" has more than one '\/'/);
      // As the API server does: annotation keys are checked lowercased (labels keys are not), values must be strings,
      // and all annotations together may hold at most 256 KiB.
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { 'Example.COM/Owner': 'x' } })).not.toThrow();
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { 'Bad Key': 'x' } })).toThrow(/annotations: annotation key "Bad Key" is not a valid name/);
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { replicas: 3 as any } })).toThrow('new NetworkPolicy("p"): annotations: the value of "replicas" is 3, not a string; annotation values are strings (e.g. "3").');
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { a: 'x'.repeat(256 * 1024 - 1) } })).not.toThrow();
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { ab: 'x'.repeat(256 * 1024 - 1) } })).toThrow(/annotations: keys and values add up to 262145 bytes; the API server accepts at most 262144 \(256 KiB\)/);
    });

    test('throws if a second policy takes a name already used in the namespace, naming both paths', () => {
      const chart = chartIn('production');
      new NetworkPolicy(chart, 'first', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] });
      expect(() => new NetworkPolicy(chart, 'second', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] })).toThrow('new NetworkPolicy("second"): a NetworkPolicy named "same" already exists in namespace "production", defined at test/first; this one is at test/second. Names must be unique within a namespace: pass a different `name`.');
      // One in "default", one in a chart without a namespace: both land in "default" when applied as they are.
      const app = Testing.app();
      new NetworkPolicy(new Chart(app, 'named', { namespace: 'default' }), 'first', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] });
      expect(() => new NetworkPolicy(new Chart(app, 'unnamed'), 'second', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] })).toThrow('new NetworkPolicy("second"): a NetworkPolicy named "same" already exists in namespace "default" (this one has no namespace, and kubectl applies it to "default" unless told otherwise), defined at named/first; this one is at unnamed/second. Names must be unique within a namespace: pass a different `name`.');
    });

    test('accepts the same name in another namespace or another app', () => {
      const chart = chartIn('production');
      new NetworkPolicy(chart, 'first', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] });
      expect(() => new NetworkPolicy(chart, 'second', { name: 'same', namespaceName: 'staging', pods: api, policyTypes: [PolicyType.INGRESS] })).not.toThrow();
      expect(() => new NetworkPolicy(chartIn('production'), 'first', { name: 'same', pods: api, policyTypes: [PolicyType.INGRESS] })).not.toThrow();
    });

    test('throws if policyTypes is empty or repeats a type', () => {
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [] })).toThrow('new NetworkPolicy("p"): policyTypes [] must list Ingress, Egress or both, once each; leave it out to derive it from the rules.');
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.INGRESS, PolicyType.INGRESS] })).toThrow(/policyTypes \["Ingress","Ingress"\] must list Ingress, Egress or both, once each/);
      // A plain JavaScript caller can pass any string; Kubernetes would reject it, so we do, naming it (it used to be dropped).
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: ['Bogus', 'Ingress'] as any })).toThrow('new NetworkPolicy("p"): policyTypes ["Bogus","Ingress"] holds "Bogus", which is not a policy type; use PolicyType.INGRESS ("Ingress") and/or PolicyType.EGRESS ("Egress").');
      expect(() => new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: ['ingress'] as any })).toThrow(/holds "ingress", which is not a policy type/);
    });

    test('throws if a rule is added for a direction the policy does not isolate', () => {
      const policy = new NetworkPolicy(chartIn(), 'p', { pods: api, policyTypes: [PolicyType.EGRESS] });
      expect(() => policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(80)])).toThrow('NetworkPolicy("p").addIngressRule(): an ingress rule was added to a policy whose policyTypes are ["Egress"]; Kubernetes would ignore it. Add Ingress to policyTypes, or put the rule in another policy.');
    });

    test('throws if peers is empty, naming Peer.anyone() as the way to say everyone', () => {
      const policy = new NetworkPolicy(chartIn(), 'p', { pods: api });
      expect(() => policy.addIngressRule([], [Port.tcp(80)])).toThrow('NetworkPolicy("p").addIngressRule(): peers is empty. List who may connect (e.g. [Peer.pods(Selector.labels({ app: "frontend" }))]), or say [Peer.anyone()] to allow every pod and address.');
    });

    test('throws if Peer.anyone() is mixed with other peers', () => {
      const policy = new NetworkPolicy(chartIn(), 'p', { pods: api });
      expect(() => policy.addEgressRule([Peer.anyone(), Peer.pods(frontend)], [Port.tcp(80)])).toThrow('NetworkPolicy("p").addEgressRule(): Peer.anyone() already includes every peer, but other peers were listed too (anyone; pods app=frontend). Keep Peer.anyone() alone, or list only the peers.');
    });

    test('throws if ports is empty, naming Port.allTraffic() as the way to say every port', () => {
      const policy = new NetworkPolicy(chartIn(), 'p', { pods: api });
      expect(() => policy.addIngressRule([Peer.pods(frontend)], [])).toThrow('NetworkPolicy("p").addIngressRule(): ports is empty. List the ports to allow (e.g. [Port.tcp(8080)]), or say [Port.allTraffic()] to allow every port of every protocol.');
    });

    test('throws if Port.allTraffic() is mixed with other ports', () => {
      const policy = new NetworkPolicy(chartIn(), 'p', { pods: api });
      expect(() => policy.addIngressRule([Peer.pods(frontend)], [Port.allTraffic(), Port.tcp(80)])).toThrow('NetworkPolicy("p").addIngressRule(): Port.allTraffic() already allows every port, but other ports were listed too (all traffic, TCP 80). Keep Port.allTraffic() alone, or list only the ports.');
    });

    test('fails synthesis for a policy with no rules and no policyTypes', () => {
      const chart = chartIn('production');
      new NetworkPolicy(chart, 'p', { pods: api });
      expect(() => Testing.synth(chart)).toThrow('NetworkPolicy "p" (test/p): it has no rules and no policyTypes, so it is unclear what it isolates. Add a rule, or set policyTypes (a policy with policyTypes and no rules denies that direction).');
    });

    test('fails synthesis when a user-defined peer renders something the API server rejects', () => {
      const chart = chartIn('production');
      const policy = new NetworkPolicy(chart, 'p', { pods: api });
      policy.addIngressRule([{
        nameHint: 'custom',
        toString: () => 'custom',
        toPeerModel: () => ({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }),
        toPodSet: () => undefined,
      }], [Port.tcp(80)]);
      expect(() => Testing.synth(chart)).toThrow('NetworkPolicy "p" (test/p): spec.ingress[0].from[0]: a peer may not combine ipBlock with podSelector or namespaceSelector');
    });

    test('throws if the target workload lives in another namespace than the policy', () => {
      const chart = chartIn('production');
      const deployment = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'staging' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api' }] });
      expect(() => new NetworkPolicy(chart, 'p', { pods: Selector.podsOf(deployment), policyTypes: [PolicyType.INGRESS] })).toThrow('new NetworkPolicy("p"): pods selects the workload test/api in namespace "staging", but the policy is in namespace "production". A policy only applies to pods of its own namespace: set namespaceName to "staging".');
    });

    test('fails synthesis if the target workload has no labels of its own', () => {
      const chart = chartIn('production');
      const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'api' }] });
      new NetworkPolicy(chart, 'p', { pods: Selector.podsOf(deployment), policyTypes: [PolicyType.INGRESS] });
      expect(() => Testing.synth(chart)).toThrow(/Selector.podsOf\(\): Deployment "test\/api" has no pod labels of its own/);
    });
  });
});

describe('identity', () => {
  test('instanceof and isNetworkPolicy recognise only this library\'s policies', () => {
    // GIVEN
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api, policyTypes: [PolicyType.INGRESS] });
    const deny = new DefaultDeny(chart, 'deny');
    const raw = new ApiObject(chart, 'raw', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'raw' } });

    // THEN
    expect(NetworkPolicy.isNetworkPolicy(policy)).toBe(true);
    expect(NetworkPolicy.isNetworkPolicy(raw)).toBe(false);
    expect(raw instanceof NetworkPolicy).toBe(false);
    expect(deny instanceof NetworkPolicy).toBe(true);
    expect(policy instanceof DefaultDeny).toBe(false);
    expect(policy instanceof ApiObject).toBe(true);
  });
});

describe('named ports towards addresses', () => {
  test('throws for a named port in an egress rule to an address range', () => {
    const policy = new NetworkPolicy(chartIn('production'), 'p', { pods: api });
    expect(() => policy.addEgressRule([Peer.ipv4('52.94.0.0/16')], [Port.named('https')])).toThrow('NetworkPolicy("p").addEgressRule(): named port TCP https is resolved against the destination pod\'s container ports, but 52.94.0.0/16 is outside the cluster and has none, so the rule would allow nothing there. Use the port number (e.g. Port.tcp(443)).');
  });

  test('accepts a named port in an ingress rule from an address range (it names the selected pods\' port)', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api });
    policy.addIngressRule([Peer.ipv4('10.0.0.0/8')], [Port.named('metrics')]);
    expect(policySpec(chart, 'p').ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'metrics' }]);
  });
});

describe('suppress()', () => {
  test('writes the suppression annotation the checker reads, and keeps it in the model', () => {
    const chart = chartIn('production');
    const policy = new NetworkPolicy(chart, 'p', { pods: api, policyTypes: [PolicyType.INGRESS], annotations: { owner: 'team-a' } });
    policy.suppress('NP001', 'the OR form is meant here');
    policy.suppress('NP007', 'public endpoint reviewed by security');
    const expected = '[{"id":"NP001","reason":"the OR form is meant here"},{"id":"NP007","reason":"public endpoint reviewed by security"}]';
    expect(manifest(chart, 'NetworkPolicy', 'p').metadata.annotations).toEqual({ 'owner': 'team-a', 'cdk8s-netpol.io/suppress': expected });
    expect(policy.toModel().annotations).toEqual({ 'owner': 'team-a', 'cdk8s-netpol.io/suppress': expected });
  });

  test('throws for a reason shorter than 10 characters', () => {
    const policy = new NetworkPolicy(chartIn('production'), 'p', { pods: api, policyTypes: [PolicyType.INGRESS] });
    expect(() => policy.suppress('NP001', 'because')).toThrow('NetworkPolicy("p").suppress(): cdk8s-netpol.io/suppress[0] suppresses NP001 with "because" (7 characters); a reason of at least 10 characters is required.');
  });

  test('throws for an unknown rule id', () => {
    const policy = new NetworkPolicy(chartIn('production'), 'p', { pods: api, policyTypes: [PolicyType.INGRESS] });
    expect(() => policy.suppress('NP999', 'no such rule exists here')).toThrow('NetworkPolicy("p").suppress(): cdk8s-netpol.io/suppress[0] names unknown rule "NP999"; see RULES.md for the rule ids.');
  });
});

describe('toModel() between changes', () => {
  test('reflects rules and suppressions added after an earlier call', () => {
    const policy = new NetworkPolicy(chartIn('production'), 'p', { pods: api, policyTypes: [PolicyType.INGRESS] });
    expect(policy.toModel().ingress).toBeUndefined();
    policy.addIngressRule([Peer.pods(frontend)], [Port.tcp(80)]);
    expect(policy.toModel().ingress).toHaveLength(1);
    policy.suppress('NP014', 'kept for readability of the rules');
    expect(policy.toModel().annotations).toEqual({ 'cdk8s-netpol.io/suppress': '[{"id":"NP014","reason":"kept for readability of the rules"}]' });
  });

  test('reads workload labels afresh at every call', () => {
    const chart = chartIn('production');
    const deployment = new kplus.Deployment(chart, 'web', { podMetadata: { labels: { app: 'web' } }, containers: [{ image: 'web' }] });
    const policy = new NetworkPolicy(chart, 'p', { pods: api, ingress: [{ peers: [Peer.workload(deployment)], ports: [Port.tcp(80)] }] });
    expect(policy.toModel().ingress?.[0].peers).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }]);
    deployment.podMetadata.addLabel('tier', 'front');
    expect(policy.toModel().ingress?.[0].peers).toEqual([{ podSelector: { matchLabels: { app: 'web', tier: 'front' } } }]);
  });
});

import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowConnection, Checker, CheckLevel, Cni, ErrorCode, IsolatedNamespace, Peer, Port, Rollout } from '../lib';
import { analyze, connectivitySummary, failingChecks, netpolMatchers, truthTable } from '../lib/testing';

expect.extend(netpolMatchers);

/** Namespace shop (isolated), a frontend and an api, frontend → api allowed on 8080. */
function shop(): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new IsolatedNamespace(chart, 'ns', { namespaceName: 'shop' });
  const frontend = new kplus.Deployment(chart, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'f' }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: 8080 }] });
  new AllowConnection(chart, 'frontend-to-api', { source: Peer.workload(frontend), destination: Peer.workload(api), ports: [Port.tcp(8080)] });
  return { app, chart };
}

/** A CiliumNetworkPolicy that, on a Cilium cluster, denies every ingress to the api. */
function cilium(chart: Chart): ApiObject {
  return new ApiObject(chart, 'cilium', {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: 'deny-api' },
    spec: { endpointSelector: { matchLabels: { app: 'api' } }, ingressDeny: [{ fromEntities: ['all'] }] },
  } as any);
}

const QUERY = { from: 'shop/frontend', to: 'shop/api', port: 8080 };

/** What process.stderr receives while `fn` runs. */
function stderrOf(fn: () => void): string {
  let text = '';
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    text += String(chunk);
    return true;
  });
  try {
    fn();
  } finally {
    write.mockRestore();
  }
  return text;
}

describe('the checker at synth, on a policy kind it does not model', () => {
  test('fails synthesis at the object\'s construct, saying how to opt in', () => {
    const { app, chart } = shop();
    cilium(chart);
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
    expect(() => app.synthYaml()).toThrow('[shop/cilium] [unmodelled-policy] CiliumNetworkPolicy "deny-api": the checker does not model this policy kind, so its answers leave it out (on the cluster it can allow or deny more). Remove it, or accept that with Checker.configure(app, { ignoreUnmodelled: true }).');
  });

  test('also names a cluster-scoped policy of a version it does not model (ClusterNetworkPolicy v1beta1)', () => {
    const { app, chart } = shop();
    new ApiObject(chart, 'cnp', { apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'deny-all' } });
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
    expect(() => app.synthYaml()).toThrow(/\[shop\/cnp\] \[unmodelled-policy\] ClusterNetworkPolicy "deny-all": /);
  });

  test('a raw object the API server would reject fails synth at its construct (an AdminNetworkPolicy without spec)', () => {
    const { app, chart } = shop();
    new ApiObject(chart, 'anp', { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'deny-all' } });
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
    expect(() => app.synthYaml()).toThrow(/\[shop\/anp\] \[invalid-manifest\] AdminNetworkPolicy "deny-all": .*The API server would reject it/);
  });

  test('passes with ignoreUnmodelled, and says on stderr what its answers leave out', () => {
    const { app, chart } = shop();
    cilium(chart);
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING, ignoreUnmodelled: true });
    const stderr = stderrOf(() => app.synthYaml());
    expect(stderr).toContain("cdk8s-netpol: the checker's answers leave out 1 policy it does not model (CiliumNetworkPolicy deny-api at shop/cilium), as ignoreUnmodelled asked; on the cluster they can allow or deny more\n");
  });

  test('leaves Calico\'s staged policies alone: they enforce nothing', () => {
    const { app, chart } = shop();
    new ApiObject(chart, 'staged', { apiVersion: 'projectcalico.org/v3', kind: 'StagedNetworkPolicy', metadata: { name: 'try-deny' } });
    Rollout.audit(chart, { cni: Cni.CALICO });
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
    expect(() => app.synthYaml()).not.toThrow();
    expect(analyze(app).allowed(QUERY.from, QUERY.to, QUERY.port)).toBe(true);
  });

  test('Checker.report lists the object, or notes that it was left out', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(Checker.report(app)).toMatch(/^error unmodelled-policy CiliumNetworkPolicy deny-api: the checker does not model this policy kind, .* \[shop\/cilium\]$/m);
    Checker.configure(app, { ignoreUnmodelled: true });
    expect(Checker.report(app)).toMatch(/^note: the checker's answers leave out 1 policy it does not model \(CiliumNetworkPolicy deny-api at shop\/cilium\), as ignoreUnmodelled asked/m);
  });
});

describe('analyze(app) on a policy kind it does not model', () => {
  test('throws a NetpolError with code UNMODELLED_POLICY naming the object', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(() => analyze(app)).toThrow(expect.objectContaining({ code: ErrorCode.UNMODELLED_POLICY }));
    expect(() => analyze(app)).toThrow('analyze(): the app holds 1 policy the analysis does not model (CiliumNetworkPolicy deny-api at shop/cilium), which can change the answer. Remove it, or pass { ignoreUnmodelled: true } (or Checker.configure(app, { ignoreUnmodelled: true })) to answer without it.');
  });

  test('answers with { ignoreUnmodelled: true }, or when the app\'s checker is configured so', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(analyze(app, { ignoreUnmodelled: true }).allowed(QUERY.from, QUERY.to, QUERY.port)).toBe(true);
    Checker.configure(app, { ignoreUnmodelled: true });
    expect(analyze(app).allowed(QUERY.from, QUERY.to, QUERY.port)).toBe(true);
    expect(() => analyze(app, { ignoreUnmodelled: false })).toThrow(/does not model/);
  });

  test('truthTable throws too, and answers with the option', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(() => truthTable(app)).toThrow(/analyze\(\): the app holds 1 policy the analysis does not model/);
    expect(truthTable(app, { ignoreUnmodelled: true })).toContain('TCP 8080');
  });

  test('the synth summary names what it leaves out', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(connectivitySummary(app)).toContain('left out: 1 policy of kinds the analysis does not model (CiliumNetworkPolicy deny-api at shop/cilium); on the cluster they can allow or deny more\n');
  });
});

describe('the jest matchers on a policy kind they do not model', () => {
  test('throw, with .not too, rather than pass', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(() => expect(app).toAllowConnection(QUERY)).toThrow(/^toAllowConnection\(\): the app holds 1 policy the analysis does not model \(CiliumNetworkPolicy deny-api at shop\/cilium\)/);
    expect(() => expect(app).not.toDenyConnection(QUERY)).toThrow(/^toDenyConnection\(\): the app holds 1 policy/);
    expect(() => expect(app).not.toPassNetpolChecks('error')).toThrow(/^failingChecks\(\): the app holds 1 policy/);
    expect(() => failingChecks(app, 'error')).toThrow(expect.objectContaining({ code: ErrorCode.UNMODELLED_POLICY }));
  });

  test('answer when told to leave such policies out', () => {
    const { app, chart } = shop();
    cilium(chart);
    expect(app).toAllowConnection({ ...QUERY, ignoreUnmodelled: true });
    expect(app).toPassNetpolChecks('error', { ignoreUnmodelled: true });
    Checker.configure(app, { ignoreUnmodelled: true });
    expect(app).toAllowConnection(QUERY);
  });
});

import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AllowConnection, CniEnforcementProbe, DefaultDeny, ErrorCode, Errors, IsolatedNamespace, NetworkPolicy, Peer, Port,
  PolicyType, Selector,
} from '../../lib';
import { loadObjects, DiagnosticCode, DiagnosticSeverity } from '../../lib/model/load';
import { lint } from '../../lib/rules';
import { Cni, Rollout, RolloutMode } from '../../lib/rollout/rollout';
import { GuideChart } from '../../examples/guide';

const STAGED = { apiVersion: 'projectcalico.org/v3', kind: 'StagedKubernetesNetworkPolicy' };

/** A shop: an isolated namespace, an allow from the ingress controller, a two-sided connection and a CIDR egress. */
class ShopChart extends Chart {
  public readonly shop: IsolatedNamespace;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.shop = new IsolatedNamespace(this, 'shop', { namespaceName: 'shop' });
    this.shop.allowFrom(Selector.labels({ app: 'web' }), [Peer.podsInNamespace('ingress-nginx', Selector.all())], [Port.tcp(8080)]);
    new AllowConnection(this, 'web-to-api', {
      source: this.shop.pods(Selector.labels({ app: 'web' })),
      destination: this.shop.pods(Selector.labels({ app: 'api' })),
      ports: [Port.tcp(9000)],
    });
    this.shop.allowEgressCidr(Selector.labels({ app: 'api' }), ['52.94.0.0/16'], [Port.HTTPS], 'api-egress-aws');
  }
}

function byName(manifests: any[]): Map<string, any> {
  return new Map(manifests.map(m => [`${m.metadata.namespace ?? ''}/${m.metadata.name}`, m]));
}

function policyManifests(manifests: any[]): any[] {
  return manifests.filter(m => m.kind === 'NetworkPolicy' || m.kind === STAGED.kind);
}

describe('Rollout.audit with Calico', () => {
  test('writes every policy as a staged policy with the same metadata and spec as enforce mode', () => {
    // GIVEN
    const enforced = new ShopChart(Testing.app(), 'shop');
    const audited = new ShopChart(Testing.app(), 'shop');

    // WHEN
    Rollout.audit(audited, { cni: Cni.CALICO });

    // THEN
    const plain = byName(Testing.synth(enforced));
    const staged = Testing.synth(audited);
    expect(staged).toHaveLength(plain.size);
    expect(policyManifests(staged)).toHaveLength(6);
    for (const m of staged) {
      const original = plain.get(`${m.metadata.namespace ?? ''}/${m.metadata.name}`);
      if (original.kind === 'Namespace') {
        expect(m).toEqual(original);
        continue;
      }
      expect(original.apiVersion).toBe('networking.k8s.io/v1');
      expect(original.kind).toBe('NetworkPolicy');
      expect(m.apiVersion).toBe(STAGED.apiVersion);
      expect(m.kind).toBe(STAGED.kind);
      expect(m.metadata).toEqual(original.metadata);
      expect(m.spec).toEqual(original.spec);
      expect(Object.keys(m)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    }
  });

  test('writes the staged default deny, DNS and connection halves field by field', () => {
    // GIVEN
    const chart = new ShopChart(Testing.app(), 'shop');

    // WHEN
    Rollout.audit(chart, { cni: Cni.CALICO });

    // THEN
    const manifests = byName(Testing.synth(chart));
    expect(manifests.get('shop/default-deny-all')).toEqual({
      ...STAGED,
      metadata: { name: 'default-deny-all', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(manifests.get('shop/allow-dns').spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    const ingressHalf = [...manifests.values()].find(m => m.kind === STAGED.kind && m.spec.podSelector.matchLabels?.app === 'api' && m.spec.ingress);
    expect(ingressHalf.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
    expect(manifests.get('shop/api-egress-aws').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '52.94.0.0/16' } }]);
    expect(manifests.get('/shop').kind).toBe('Namespace');
  });

  test('applies to policies created after the call, and to the guide example with its workloads untouched', () => {
    // GIVEN
    const app = Testing.app();
    Rollout.audit(app, { cni: Cni.CALICO });

    // WHEN
    const chart = new GuideChart(app, 'guide');

    // THEN
    const manifests = Testing.synth(chart);
    const kinds = manifests.map((m: any) => m.kind);
    expect(kinds).not.toContain('NetworkPolicy');
    expect(kinds.filter((k: string) => k === STAGED.kind).length).toBeGreaterThanOrEqual(8);
    expect(manifests.filter((m: any) => m.kind === 'Deployment').map((m: any) => m.apiVersion)).toEqual(['apps/v1', 'apps/v1', 'apps/v1']);
    expect(Rollout.modeOf(chart)).toBe(RolloutMode.AUDIT);
  });

  test('still validates the policies: one the API server would reject fails synthesis in audit mode too', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    Rollout.audit(chart, { cni: Cni.CALICO });

    // WHEN
    new NetworkPolicy(chart, 'empty', { pods: Selector.all() });

    // THEN
    expect(() => Testing.synth(chart)).toThrow(/it has no rules and no policyTypes/);
  });
});

describe('the nearest setting wins', () => {
  test('Rollout.enforce on a chart inside an audited app keeps that chart enforced', () => {
    // GIVEN
    const app = Testing.app();
    const audited = new ShopChart(app, 'audited');
    const payments = new Chart(app, 'payments', { namespace: 'payments' });
    new DefaultDeny(payments, 'deny');

    // WHEN
    Rollout.audit(app, { cni: Cni.CALICO });
    Rollout.enforce(payments);

    // THEN
    expect(Testing.synth(payments).map((m: any) => `${m.apiVersion} ${m.kind}`)).toEqual(['networking.k8s.io/v1 NetworkPolicy']);
    expect(policyManifests(Testing.synth(audited)).every(m => m.kind === STAGED.kind)).toBe(true);
  });

  test('Rollout.enforce on an IsolatedNamespace overrides an audited chart, for its policies only', () => {
    // GIVEN
    const chart = new ShopChart(Testing.app(), 'shop');
    const other = new IsolatedNamespace(chart, 'billing', { namespaceName: 'billing' });

    // WHEN
    Rollout.audit(chart, { cni: Cni.CALICO });
    Rollout.enforce(other);

    // THEN
    const kinds = Testing.synth(chart).filter((m: any) => m.kind !== 'Namespace').map((m: any) => `${m.metadata.namespace} ${m.kind}`);
    expect(kinds.filter((k: string) => k.startsWith('billing'))).toEqual(['billing NetworkPolicy', 'billing NetworkPolicy']);
    expect(kinds.filter((k: string) => k.startsWith('shop')).every((k: string) => k === `shop ${STAGED.kind}`)).toBe(true);
    expect(Rollout.modeOf(other.defaultDeny)).toBe(RolloutMode.ENFORCE);
    expect(Rollout.modeOf(chart.shop.defaultDeny)).toBe(RolloutMode.AUDIT);
  });

  test('an audit on a nested scope overrides an enforce above it, and a second call on a scope replaces the first', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new ShopChart(app, 'shop');
    Rollout.enforce(app);
    Rollout.audit(chart.shop, { cni: Cni.CILIUM });

    // WHEN
    Rollout.audit(chart.shop, { cni: Cni.CALICO });

    // THEN
    expect(Rollout.auditCniOf(chart.shop.defaultDeny)).toBe(Cni.CALICO);
    expect(byName(Testing.synth(chart)).get('shop/default-deny-all').kind).toBe(STAGED.kind);
  });

  test('nothing set means enforce: today\'s output', () => {
    const chart = new ShopChart(Testing.app(), 'shop');
    expect(Rollout.modeOf(chart.shop.defaultDeny)).toBe(RolloutMode.ENFORCE);
    expect(Rollout.auditCniOf(chart.shop.defaultDeny)).toBeUndefined();
    expect(policyManifests(Testing.synth(chart)).every(m => m.apiVersion === 'networking.k8s.io/v1' && m.kind === 'NetworkPolicy')).toBe(true);
  });

  test('a CNI enforcement probe in an audited chart is kept enforced with Rollout.enforce(probe)', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'c');
    const probe = new CniEnforcementProbe(chart, 'probe');
    Rollout.audit(chart, { cni: Cni.CALICO });

    // WHEN
    Rollout.enforce(probe);

    // THEN
    const policies = Testing.synth(chart).filter((m: any) => m.metadata.namespace === 'netpol-probe' && /NetworkPolicy$/.test(m.kind));
    expect(policies.map((m: any) => m.kind)).toEqual(['NetworkPolicy', 'NetworkPolicy']);
  });
});

describe('Rollout.audit with Cilium', () => {
  test('leaves kinds and specs unchanged and adds the rollout annotation, keeping other annotations', () => {
    // GIVEN
    const enforced = new ShopChart(Testing.app(), 'shop');
    const audited = new ShopChart(Testing.app(), 'shop');
    audited.shop.defaultDeny.suppress('NP003', 'egress is closed on purpose in this test');
    enforced.shop.defaultDeny.suppress('NP003', 'egress is closed on purpose in this test');

    // WHEN
    Rollout.audit(audited, { cni: Cni.CILIUM });

    // THEN
    const plain = byName(Testing.synth(enforced));
    const policies = policyManifests(Testing.synth(audited));
    expect(policies).toHaveLength(6);
    for (const m of policies) {
      const original = plain.get(`${m.metadata.namespace}/${m.metadata.name}`);
      expect(m.apiVersion).toBe('networking.k8s.io/v1');
      expect(m.kind).toBe('NetworkPolicy');
      expect(m.spec).toEqual(original.spec);
      expect(m.metadata).toEqual({ ...original.metadata, annotations: { ...original.metadata.annotations, 'cdk8s-netpol.io/rollout': 'audit' } });
    }
    const deny = policies.find(m => m.metadata.name === 'default-deny-all');
    expect(Object.keys(deny.metadata.annotations)).toEqual(['cdk8s-netpol.io/suppress', 'cdk8s-netpol.io/rollout']);
  });

  test('instructions name each namespace, the audit setting and the hubble command', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new ShopChart(app, 'shop');
    new IsolatedNamespace(chart, 'billing', { namespaceName: 'billing' });
    const enforcedChart = new Chart(app, 'payments', { namespace: 'payments' });
    new DefaultDeny(enforcedChart, 'deny');

    // WHEN
    Rollout.audit(chart, { cni: Cni.CILIUM });
    const text = Rollout.ciliumInstructions(app);

    // THEN
    expect(text).toMatch(/^Cilium policy audit mode for 8 NetworkPolicies \(annotated cdk8s-netpol.io\/rollout: audit\) in namespaces billing, shop\./);
    expect(text).toContain('Audit mode is a Cilium setting, not a manifest');
    expect(text).toContain('--set policyAuditMode=true');
    expect(text).toContain('policy-audit-mode: "true" in the\n   cilium-config ConfigMap of kube-system');
    expect(text).toContain('cilium-dbg endpoint config <endpoint id> PolicyAuditMode=Enabled');
    expect(text).toContain('     hubble observe --verdict AUDIT --namespace billing\n     hubble observe --verdict AUDIT --namespace shop\n');
    expect(text).toContain('hubble observe --namespace shop -o json --last 10000 > flows-shop.jsonl');
    expect(text).toContain('cdk8s-netpol from-flows');
    expect(text).not.toContain('payments');
  });

  test('instructions list policies without a namespace under default, and say when there is nothing to enable', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'c');
    new DefaultDeny(chart, 'deny', { policyTypes: [PolicyType.INGRESS] });

    // WHEN
    const before = Rollout.ciliumInstructions(chart);
    Rollout.audit(chart, { cni: Cni.CILIUM });
    const after = Rollout.ciliumInstructions(chart);

    // THEN
    expect(before).toBe('No NetworkPolicy under "c" is in Cilium audit mode (Rollout.audit(scope, { cni: Cni.CILIUM })); nothing to enable.\n');
    expect(after).toContain('hubble observe --verdict AUDIT --namespace default');
    expect(after).toContain('Policies without a namespace (default-deny-ingress) are listed under "default": kubectl applies them to the namespace of its context.');
  });
});

describe('bad input', () => {
  test('an unknown CNI is an error listing the supported ones', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => Rollout.audit(chart, { cni: 'weave' as any })).toThrow(
      'Rollout.audit("c"): cni "weave" is not supported; the supported CNIs are "calico" (Cni.CALICO), "cilium" (Cni.CILIUM). Audit mode uses the CNI\'s own mechanism (Calico staged policies, Cilium policy audit mode); with another CNI, try the policies in enforce mode on a test namespace first.');
  });

  test('a CNI name in the wrong case is rejected too, with code INVALID_VALUE', () => {
    const app = Testing.app();
    let error: unknown;
    try {
      Rollout.audit(app, { cni: 'Calico' as any });
    } catch (e) {
      error = e;
    }
    expect(Errors.codeOf(error)).toBe(ErrorCode.INVALID_VALUE);
    expect((error as Error).message).toMatch(/^Rollout.audit\("\(the app\)"\): cni "Calico" is not supported/);
  });

  test('a missing CNI is an error listing the supported ones', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => Rollout.audit(chart, {} as any)).toThrow(
      'Rollout.audit("c"): options.cni is missing. Say which CNI enforces the cluster\'s policies: one of "calico" (Cni.CALICO), "cilium" (Cni.CILIUM).');
  });

  test('a rejected call changes nothing', () => {
    const chart = new ShopChart(Testing.app(), 'shop');
    Rollout.audit(chart, { cni: Cni.CILIUM });
    expect(() => Rollout.audit(chart, { cni: 'weave' as any })).toThrow(/not supported/);
    expect(Rollout.auditCniOf(chart.shop.defaultDeny)).toBe(Cni.CILIUM);
  });
});

describe('what the analysis sees', () => {
  test('the constructs\' model stays the enforcing policy: the checker lints what will be enforced', () => {
    // GIVEN
    const enforced = new ShopChart(Testing.app(), 'shop');
    const audited = new ShopChart(Testing.app(), 'shop');

    // WHEN
    Rollout.audit(audited, { cni: Cni.CALICO });

    // THEN
    expect(audited.shop.defaultDeny.toModel()).toEqual(enforced.shop.defaultDeny.toModel());
  });

  test('the manifest loader skips staged policies with an info diagnostic, and reads Cilium-audit policies', () => {
    // GIVEN
    const calico = new ShopChart(Testing.app(), 'shop');
    const cilium = new ShopChart(Testing.app(), 'shop');
    Rollout.audit(calico, { cni: Cni.CALICO });
    Rollout.audit(cilium, { cni: Cni.CILIUM });

    // WHEN
    const fromCalico = loadObjects(Testing.synth(calico));
    const fromCilium = loadObjects(Testing.synth(cilium));

    // THEN
    expect(fromCalico.cluster.policies).toEqual([]);
    const skipped = fromCalico.diagnostics.filter(d => d.kind === STAGED.kind);
    expect(skipped).toHaveLength(6);
    expect(skipped[0]).toMatchObject({ severity: DiagnosticSeverity.INFO, code: DiagnosticCode.IGNORED_KIND, message: 'StagedKubernetesNetworkPolicy "default-deny-all" does not affect NetworkPolicy connectivity; skipped' });
    expect(fromCalico.diagnostics.filter(d => d.severity !== DiagnosticSeverity.INFO)).toEqual([]);
    expect(fromCilium.cluster.policies).toHaveLength(6);
    expect(fromCilium.cluster.policies[0].annotations).toEqual({ 'cdk8s-netpol.io/rollout': 'audit' });
  });

  test('linting the staged YAML (CLI, cdk8s.yaml plugin) warns that the namespace has no default deny in force yet', () => {
    // GIVEN
    const chart = new ShopChart(Testing.app(), 'shop');
    Rollout.audit(chart, { cni: Cni.CALICO });

    // WHEN
    const result = lint(loadObjects(Testing.synth(chart)).cluster, {});

    // THEN: true of the cluster while it audits; warnings, so the default failOn (error) does not fail on them
    expect(result.findings.map(f => `${f.severity} ${f.ruleId} ${f.object.kind} ${f.object.name}`).sort()).toEqual([
      'warning NP002 Namespace shop',
      'warning NP003 Namespace shop',
    ]);
  });
});

test('App.synth writes the staged kinds to the YAML files', () => {
  // GIVEN
  const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'rollout-')) });
  new ShopChart(app, 'shop');
  Rollout.audit(app, { cni: Cni.CALICO });

  // WHEN
  app.synth();

  // THEN
  const yaml = require('fs').readFileSync(require('path').join(app.outdir, 'shop.k8s.yaml'), 'utf8');
  expect(yaml).toContain('apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: shop\n');
  expect(yaml).not.toContain('kind: NetworkPolicy');
});

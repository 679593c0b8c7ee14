import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetpolValidation } from '../lib';
import { DNS_BLOCKED } from '../lib/rules';

/** A stand-in for cdk8s-cli's ValidationContext that records what the plugin reports. */
function context(yaml: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-plugin-')), 'app.k8s.yaml');
  fs.writeFileSync(file, yaml);
  const violations: any[] = [];
  const logs: string[] = [];
  let submitted: { status: string; metadata: any } | undefined;
  return {
    ctx: {
      manifests: [file],
      report: { addViolation: (v: any) => violations.push(v), submit: (status: string, metadata: any) => { submitted = { status, metadata }; } },
      logger: { log: (m: string) => logs.push(m) },
    },
    violations,
    logs,
    submitted: () => submitted,
  };
}

const DENY_WITHOUT_DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: production}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;

const CILIUM = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-web, namespace: production}
spec: {endpointSelector: {matchLabels: {app: web}}, ingressDeny: [{fromEntities: [all]}]}
`;

const OPENSHIFT_DNS = `${DENY_WITHOUT_DNS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: production}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: openshift-dns}}}]
    ports: [{protocol: UDP, port: 5353}, {protocol: TCP, port: 5353}]
`;

describe('NetpolValidation', () => {
  test('dns: openshift judges DNS against openshift-dns on 5353; dnsPort and friends replace the preset\'s parts', async () => {
    const upstream = context(OPENSHIFT_DNS);
    await new NetpolValidation().validate(upstream.ctx);
    expect(upstream.violations.map(v => v.ruleName)).toEqual(['NP004 dns-blocked']);
    const openshift = context(OPENSHIFT_DNS);
    await new NetpolValidation({ dns: 'openshift' }).validate(openshift.ctx);
    expect(openshift.violations).toEqual([]);
    const own = context(OPENSHIFT_DNS);
    await new NetpolValidation({ dnsNamespace: 'openshift-dns', dnsPort: 5353 }).validate(own.ctx);
    expect(own.violations).toEqual([]);
  });

  test('a bad dns property fails with the property named', () => {
    expect(() => new NetpolValidation({ dns: 'rke2' })).toThrow('NetpolValidation: properties: "rke2" is not a preset; use one of kubernetes, openshift');
    expect(() => new NetpolValidation({ dnsPort: 0 })).toThrow('NetpolValidation: properties: port 0: port 0 is not an integer from 1 to 65535. Fix the validations entry in cdk8s.yaml (dns, dnsNamespace, dnsPodLabels, dnsPort).');
  });

  test('reports a failing rule as one violation per rule and submits failure', async () => {
    const c = context(DENY_WITHOUT_DNS);
    await new NetpolValidation().validate(c.ctx);
    expect(c.violations.map(v => v.ruleName)).toEqual(['NP004 dns-blocked']);
    // resourceName is metadata.name alone: cdk8s-cli looks the construct path up by it in construct-metadata.json.
    expect(c.violations[0].violatingResources).toEqual([{ resourceName: 'default-deny-all', locations: ['NetworkPolicy production/default-deny-all: spec.policyTypes'], manifestPath: c.ctx.manifests[0] }]);
    expect(c.violations[0].fix).toContain(DNS_BLOCKED.fix);
    expect(c.violations[0].fix).toContain("suppress('NP004', '<why>')");
    expect(c.submitted()).toEqual({ status: 'failure', metadata: expect.objectContaining({ errors: '1', failOn: 'error' }) });
  });

  test('submits success when findings are below failOn', async () => {
    const c = context(DENY_WITHOUT_DNS);
    await new NetpolValidation({ failOn: 'never' }).validate(c.ctx);
    expect(c.violations).toEqual([]);
    expect(c.submitted()?.status).toBe('success');
  });

  test('reports a manifest the API server would reject', async () => {
    const c = context(DENY_WITHOUT_DNS.replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Ingress], ingress: [{ports: [{port: 0}]}]'));
    await new NetpolValidation({ failOn: 'never' }).validate(c.ctx);
    expect(c.violations.map(v => v.ruleName)).toEqual(['invalid-manifest']);
    expect(c.submitted()?.status).toBe('failure');
  });

  test('reports a policy kind the checker does not model as a violation naming the object, whatever failOn says', async () => {
    const c = context(`${DENY_WITHOUT_DNS}---\n${CILIUM}`);
    await new NetpolValidation({ failOn: 'never' }).validate(c.ctx);
    expect(c.violations.map(v => v.ruleName)).toEqual(['unmodelled-policy']);
    expect(c.violations[0].recommendation).toBe('CiliumNetworkPolicy deny-web: the checker does not model this policy kind, so its findings leave it out (on the cluster it can allow or deny more).');
    expect(c.violations[0].fix).toContain('set ignoreUnmodelled: true in the properties of this validation in cdk8s.yaml');
    expect(c.violations[0].violatingResources).toEqual([{ resourceName: 'deny-web', locations: ['CiliumNetworkPolicy deny-web'], manifestPath: c.ctx.manifests[0] }]);
    expect(c.submitted()?.status).toBe('failure');
  });

  test('checks without such policies when ignoreUnmodelled is set, and logs what it left out', async () => {
    const c = context(`${DENY_WITHOUT_DNS}---\n${CILIUM}`);
    await new NetpolValidation({ ignoreUnmodelled: true }).validate(c.ctx);
    expect(c.violations.map(v => v.ruleName)).toEqual(['NP004 dns-blocked']);
    expect(c.logs).toContain('cdk8s-netpol: the findings leave out CiliumNetworkPolicy deny-web, of policy kinds the checker does not model, as ignoreUnmodelled asked');
    expect(c.submitted()?.metadata).toEqual(expect.objectContaining({ unmodelled: '1', ignoreUnmodelled: 'true' }));
  });

  test('leaves Calico\'s staged policies alone: they enforce nothing', async () => {
    const c = context(`${DENY_WITHOUT_DNS}---\napiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: try-deny, namespace: production}\n`);
    await new NetpolValidation({ failOn: 'never' }).validate(c.ctx);
    expect(c.violations).toEqual([]);
    expect(c.submitted()?.status).toBe('success');
  });

  test('throws for an ignoreUnmodelled that is not a boolean', () => {
    expect(() => new NetpolValidation({ ignoreUnmodelled: 'yes' as any })).toThrow('NetpolValidation: properties.ignoreUnmodelled "yes" is not true or false; fix the validations entry in cdk8s.yaml.');
  });

  test('throws for an unknown failOn, naming the allowed values', () => {
    expect(() => new NetpolValidation({ failOn: 'errors' })).toThrow('NetpolValidation: properties.failOn "errors" is not one of error, warning, info, never; fix the validations entry in cdk8s.yaml.');
  });
});

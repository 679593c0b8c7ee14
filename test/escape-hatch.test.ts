import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Node } from 'constructs';
import { AllowEgressCidr, AllowFrom, Checker, CheckLevel, ErrorCode, IsolatedNamespace, NetpolValidation, NetworkPolicy, Peer, Port, Selector } from '../lib';
import { analyze, clusterOf, netpolMatchers } from '../lib/testing';
import { cli } from './cli/support';

expect.extend(netpolMatchers);

/**
 * Namespace shop (isolated), a frontend and an api, the api open to the frontend on 8080, and a monitoring
 * namespace with a grafana pod, which nothing lets in.
 */
function shop(): { app: App; chart: Chart; ns: IsolatedNamespace; allow: AllowFrom } {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const ns = new IsolatedNamespace(chart, 'ns', { namespaceName: 'shop' });
  const frontend = new kplus.Deployment(chart, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'f', portNumber: 8080 }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: 8080 }] });
  const allow = new AllowFrom(chart, 'api-in', { pods: Selector.podsOf(api), peers: [Peer.workload(frontend)], ports: [Port.tcp(8080)] });
  const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  new kplus.Deployment(monitoring, 'grafana', { metadata: { name: 'grafana' }, podMetadata: { labels: { app: 'grafana' } }, containers: [{ image: 'g' }] });
  return { app, chart, ns, allow };
}

/** The synthesized YAML of `app`, written to a fresh directory as `cdk8s synth` writes it. */
function synthDir(app: App): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-patch-'));
  fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), app.synthYaml());
  return dir;
}

/** Runs `fn` with the checker at synth failing on errors, whatever the environment says. */
function checked(app: App): App {
  Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
  return app;
}

describe('a JSON patch that leaves an invalid manifest fails synthesis at its construct', () => {
  test('port 0', () => {
    const { app, allow } = shop();
    ApiObject.of(allow).addJsonPatch(JsonPatch.replace('/spec/ingress/0/ports/0/port', 0));
    expect(() => checked(app).synthYaml()).toThrow('[shop/api-in] [INVALID_PATCH] after its JSON patches, the NetworkPolicy is one the API server would reject: spec.ingress[0].ports[0].port: port 0 is not an integer from 1 to 65535. Fix the patch (addJsonPatch).');
  });

  test('podSelector next to ipBlock in one peer', () => {
    const { app, chart } = shop();
    const egress = new AllowEgressCidr(chart, 'to-bank', { pods: Selector.labels({ app: 'api' }), cidrs: ['192.0.2.0/24'], ports: [Port.tcp(443)] });
    egress.addJsonPatch(JsonPatch.add('/spec/egress/0/to/0/podSelector', {}));
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/to-bank\] \[INVALID_PATCH\] .*: spec\.egress\[0\]\.to\[0\]: a peer may not combine ipBlock with podSelector or namespaceSelector\. Fix the patch \(addJsonPatch\)\./);
  });

  test('a /33 CIDR', () => {
    const { app, chart } = shop();
    const egress = new AllowEgressCidr(chart, 'to-bank', { pods: Selector.labels({ app: 'api' }), cidrs: ['192.0.2.0/24'], ports: [Port.tcp(443)] });
    egress.addJsonPatch(JsonPatch.replace('/spec/egress/0/to/0/ipBlock/cidr', '1.2.3.4/33'));
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/to-bank\] \[INVALID_PATCH\] .*: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr: CIDR "1\.2\.3\.4\/33" has prefix length "33"; an IPv4 prefix is an integer from 0 to 32\./);
  });

  test('also with the checker off at synth, as an invalid policy without a patch fails', () => {
    const { app, allow } = shop();
    Checker.configure(app, { failOn: CheckLevel.OFF });
    allow.addJsonPatch(JsonPatch.replace('/spec/ingress/0/ports/0/port', 70000));
    expect(() => app.synthYaml()).toThrow(/\[shop\/api-in\] \[INVALID_PATCH\] .*port 70000 is not an integer from 1 to 65535/);
  });

  test('a patch whose path does not exist', () => {
    const { app, allow } = shop();
    allow.addJsonPatch(JsonPatch.replace('/spec/egress/3/ports/0/port', 80));
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/api-in\] \[INVALID_PATCH\] its JSON patches cannot be applied: .*\. Fix the patch's path \(addJsonPatch\)\./);
  });

  test('a patch on an IsolatedNamespace\'s Namespace object', () => {
    const { app, ns } = shop();
    ns.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'a b' }));
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/ns\] \[INVALID_PATCH\] after its JSON patches, the Namespace is one the API server would reject: metadata\.labels\.team: label value "a b" is not valid/);
  });

  test('a patch on an IsolatedNamespace\'s policy', () => {
    const { app, ns } = shop();
    ns.dnsAccess!.addJsonPatch(JsonPatch.replace('/spec/egress/0/ports/0/port', 0));
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/ns\/Dns\] \[INVALID_PATCH\] .*spec\.egress\[0\]\.ports\[0\]\.port: port 0 is not an integer from 1 to 65535/);
  });

  test('analyze(app) refuses to answer, with a coded error naming the construct', () => {
    const { app, allow } = shop();
    allow.addJsonPatch(JsonPatch.replace('/spec/ingress/0/ports/0/port', 0));
    expect(() => analyze(app)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PATCH }));
    expect(() => analyze(app)).toThrow('analyze(): shop/api-in: after its JSON patches, the NetworkPolicy is one the API server would reject: spec.ingress[0].ports[0].port: port 0 is not an integer from 1 to 65535. Fix the patch (addJsonPatch).');
    expect(Checker.report(app)).toMatch(/^error invalid-patch NetworkPolicy shop\/api-allow-from-frontend: spec\.ingress\[0\]\.ports\[0\]\.port: port 0 is not an integer from 1 to 65535 \[shop\/api-in\]$/m);
  });
});

describe('the analysis reads the patched manifest, as the CLI reads the synthesized YAML', () => {
  const grafana = { from: 'monitoring/grafana', to: 'shop/api', port: 8080 };

  test('a widening patch gives analyze(app) the CLI\'s answer', async () => {
    // GIVEN grafana is kept out, then a patch adds "every pod of every namespace" to the api's ingress peers
    const { app, allow } = shop();
    expect(analyze(app).allowed(grafana.from, grafana.to, grafana.port)).toBe(false);
    ApiObject.of(allow).addJsonPatch(JsonPatch.add('/spec/ingress/0/from/-', { namespaceSelector: {} }));

    // WHEN
    const library = analyze(app).allowed(grafana.from, grafana.to, grafana.port);
    const command = await cli('explain', '--from', grafana.from, '--to', grafana.to, '--port', String(grafana.port), synthDir(app));

    // THEN both say grafana may connect
    expect(command.stdout).toMatch(/^monitoring\/grafana may connect to shop\/api on TCP 8080: /);
    expect(library).toBe(true);
    expect(app).toAllowConnection(grafana);
  });

  test('a patch on the Namespace\'s labels changes who its namespaceSelector peers match', () => {
    // GIVEN the api is open to namespaces labelled team=batch on 9090, and batch, whose pods may send there, is not
    const { app, chart } = shop();
    new AllowFrom(chart, 'from-team', { pods: Selector.labels({ app: 'api' }), peers: [Peer.namespaces(Selector.labels({ team: 'batch' }))], ports: [Port.tcp(9090)] });
    const batch = new IsolatedNamespace(new Chart(app, 'batch'), 'ns', { namespaceName: 'batch' });
    batch.allowTo(Selector.all(), [Peer.anyone()], [Port.tcp(9090)]);
    const query = { from: { namespace: 'batch', labels: { app: 'job' } }, to: 'shop/api', port: 9090 };
    expect(app).toDenyConnection(query);

    // WHEN a patch labels batch team=batch
    batch.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'batch' }));

    // THEN
    expect(app).toAllowConnection(query);
    expect(clusterOf(app).cluster.namespaces.find(n => n.name === 'batch')?.source).toEqual({ constructPath: 'batch/ns' });
  });

  test('a patch on an IsolatedNamespace\'s default deny lifts the isolation it writes', async () => {
    // GIVEN grafana may not reach the frontend (ingress isolated by default-deny-all)
    const { app, ns } = shop();
    const query = { from: 'monitoring/grafana', to: 'shop/frontend', port: 8080 };
    expect(app).toDenyConnection(query);

    // WHEN the default deny is patched to isolate egress only
    ns.defaultDeny.addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Egress']));

    // THEN the library and the CLI agree that grafana may connect
    const command = await cli('explain', '--from', query.from, '--to', query.to, '--port', String(query.port), synthDir(app));
    expect(command.stdout).toMatch(/^monitoring\/grafana may connect to shop\/frontend on TCP 8080: /);
    expect(app).toAllowConnection(query);
  });

  test('the checker at synth, Checker.report and the cdk8s.yaml plugin find the OR trap a patch writes', async () => {
    // GIVEN prometheus pods of monitoring namespaces may scrape the api: one peer with both selectors (AND)
    const { app, chart } = shop();
    const scrape = new AllowFrom(chart, 'scrape', {
      pods: Selector.labels({ app: 'api' }),
      peers: [Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))],
      ports: [Port.tcp(9090)],
    });
    const dir = synthDir(app);

    // WHEN a patch moves the pod selector into a peer of its own (OR)
    scrape.addJsonPatch(
      JsonPatch.remove('/spec/ingress/0/from/0/podSelector'),
      JsonPatch.add('/spec/ingress/0/from/-', { podSelector: { matchLabels: { app: 'prometheus' } } }),
    );

    // THEN
    expect(() => checked(app).synthYaml()).toThrow(/\[shop\/scrape\] \[NP001\] /);
    expect(Checker.report(app)).toMatch(/^error NP001 NetworkPolicy shop\/api-allow-from-monitoring-prometheus: .*\[shop\/scrape spec\.ingress\[0\]\.from\]$/m);
    const before = await pluginViolations(dir);
    Checker.configure(app, { failOn: CheckLevel.OFF });
    const after = await pluginViolations(synthDir(app));
    expect(before).not.toContain('NP001 or-trap');
    expect(after).toContain('NP001 or-trap');
  });
});

/** The rule names of the violations the cdk8s.yaml plugin reports on the manifests of `dir`. */
async function pluginViolations(dir: string): Promise<string[]> {
  const violations: string[] = [];
  await new NetpolValidation().validate({
    manifests: fs.readdirSync(dir).map(f => path.join(dir, f)),
    report: { addViolation: (v: any) => violations.push(v.ruleName), submit: () => undefined },
    logger: { log: () => undefined },
  });
  return violations;
}

describe('without patches, the fast path', () => {
  test('reads every policy through its model, never through its manifest', () => {
    const { app } = shop();
    const toJson = jest.spyOn(NetworkPolicy.prototype, 'toJson');
    try {
      checked(app);
      const { cluster } = clusterOf(app);
      expect(cluster.policies.length).toBe(3);
      expect(toJson).not.toHaveBeenCalled();
    } finally {
      toJson.mockRestore();
    }
  });

  test('adds a validation to no construct but the root; a patch adds one to its construct', () => {
    const addValidation = jest.spyOn(Node.prototype, 'addValidation');
    try {
      const { app, allow } = shop();
      expect(addValidation.mock.contexts).toEqual([app.node]);
      allow.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'shop' }));
      allow.addJsonPatch(JsonPatch.add('/metadata/labels/tier', 'api'));
      expect(addValidation.mock.contexts).toEqual([app.node, allow.node]);
    } finally {
      addValidation.mockRestore();
    }
  });
});

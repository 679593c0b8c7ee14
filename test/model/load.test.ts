import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis } from '../../lib/analysis';
import * as load from '../../lib/model/load';
import { DiagnosticCode, DiagnosticSeverity, formatDiagnostic, listManifestFiles, loadObjects, loadPaths, loadText } from '../../lib/model/load';
import { Protocol } from '../../lib/model/types';
import { readTextFile } from '../../lib/model/load/files';
import { checkPolicy } from '../../lib/model/validation';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-load-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const POD = (name: string, ns = 'shop', labels = '{app: web}') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}
spec: {containers: [{name: main, image: x}]}
`;

describe('loadText', () => {
  test('reads every document of a multi-document file', () => {
    // GIVEN a namespace, a pod and a policy in one YAML text
    const { cluster, diagnostics } = loadText(`apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: red}}
---
${POD('web')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
`);
    // THEN each lands in the model
    expect(cluster.namespaces).toEqual([{ name: 'shop', labels: { team: 'red' }, source: { documentIndex: 0 } }]);
    expect(cluster.workloads.map(w => `${w.namespaceName}/${w.name}[${w.kind}]`)).toEqual(['shop/web[Pod]']);
    expect(cluster.policies.map(p => `${p.namespaceName}/${p.name}`)).toEqual(['shop/deny']);
    expect(diagnostics).toEqual([]);
  });

  test('reads List kinds, including items without their own kind', () => {
    // GIVEN a PodList whose items have no kind (kubectl get -o yaml) and a generic List
    const { cluster } = loadText(`kind: PodList
apiVersion: v1
items:
- metadata: {name: a, namespace: shop, labels: {app: a}}
- metadata: {name: b, namespace: shop, labels: {app: b}}
---
kind: List
apiVersion: v1
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
`);
    // THEN the items are pods and namespaces
    expect(cluster.workloads.map(w => w.name)).toEqual(['a', 'b']);
    expect(cluster.namespaces.map(n => n.name)).toEqual(['shop']);
  });

  test('puts objects without a namespace into "default" and reports undeclared namespaces at info level', () => {
    // GIVEN a pod with an empty namespace and no Namespace manifest
    // WHEN loaded
    // THEN it lives in default, which is assumed and reported
    const { cluster, diagnostics } = loadText(POD('web', '""'));
    expect(cluster.workloads[0].namespaceName).toBe('default');
    expect(cluster.namespaces).toEqual([{ name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } }]);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: DiagnosticSeverity.INFO, code: DiagnosticCode.UNDECLARED_NAMESPACE, name: 'default' })]);
  });

  test('reports malformed YAML with its document index and keeps the other documents', () => {
    // GIVEN a good document, a broken one, and another good one
    const { cluster, diagnostics } = loadText(`${POD('a')}---\nkind: Pod\nmetadata: {name: [unclosed\n---\n${POD('c')}`, 'broken.yaml');
    // THEN document 1 is reported as an error and a and c are loaded
    const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR);
    expect(errors).toEqual([expect.objectContaining({ code: DiagnosticCode.MALFORMED_DOCUMENT, file: 'broken.yaml', documentIndex: 1 })]);
    expect(errors[0].message).toMatch(/^malformed YAML \(line \d+, column \d+\): /);
    expect(cluster.workloads.map(w => w.name)).toEqual(['a', 'c']);
  });

  test('reports the line of a YAML error within the whole file, not within its document', () => {
    // GIVEN a broken flow sequence on line 8 of the file (document 2)
    const text = `${POD('a')}---\n${POD('b')}---\nkind: Pod\nmetadata: {name: [x, namespace: shop}\n`;
    // WHEN loaded
    const { diagnostics } = loadText(text, 'f.yaml');
    // THEN the diagnostic points into document 2, at a line of the file past the two good documents
    expect(diagnostics[0]).toMatchObject({ documentIndex: 2, code: DiagnosticCode.MALFORMED_DOCUMENT });
    const line = Number(/line (\d+)/.exec(diagnostics[0].message)![1]);
    expect(line).toBeGreaterThanOrEqual(10);
    expect(diagnostics[0].message).not.toMatch(/at line/);
  });

  test('lists unknown kinds and unmodelled policy kinds as warnings and ignorable kinds as info, never silently', () => {
    // GIVEN a Service, a CiliumNetworkPolicy and a cert-manager Certificate
    // WHEN loaded
    // THEN both are listed with their document index
    const { diagnostics } = loadText(`apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls}
`, 'mixed.yaml');
    expect(diagnostics.map(d => [d.severity, d.code, d.kind, d.documentIndex])).toEqual([
      [DiagnosticSeverity.INFO, DiagnosticCode.IGNORED_KIND, 'Service', 0],
      [DiagnosticSeverity.WARNING, DiagnosticCode.UNMODELLED_POLICY, 'CiliumNetworkPolicy', 1],
      [DiagnosticSeverity.WARNING, DiagnosticCode.UNKNOWN_KIND, 'Certificate', 2],
    ]);
    expect(diagnostics[1].message).toBe('CiliumNetworkPolicy "l7" (apiVersion cilium.io/v2) is a network policy that the analysis does not model (it reads networking.k8s.io/v1 NetworkPolicies and the cluster policies of policy.networking.k8s.io v1alpha1 and v1alpha2 only), so an answer without it can be wrong; skipped');
  });

  test('excludes an invalid NetworkPolicy and reports checkPolicy\'s message with file, document and field path', () => {
    // GIVEN a policy with an except outside its cidr and a numeric-string port (a name to Kubernetes)
    const { cluster, diagnostics } = loadText(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]
    ports: [{port: "80"}]
`, 'bad.yaml');
    // THEN it is not in the model
    expect(cluster.policies).toEqual([]);
    // AND the messages are checkPolicy's, verbatim, with their fields
    const expected = checkPolicy({
      name: 'bad', namespaceName: 'shop', podSelector: {},
      ingress: [{ peers: [{ ipBlock: { cidr: '10.0.0.0/16', exceptCidrs: ['10.1.0.0/24'] } }], ports: [{ protocol: Protocol.TCP, portName: '80' }] }],
    });
    expect(expected).toHaveLength(2);
    const errors = diagnostics.filter(d => d.code === DiagnosticCode.INVALID_POLICY);
    expect(errors.map(d => d.message).sort()).toEqual(expected.map(p => p.message).sort());
    expect(errors.map(d => d.field).sort()).toEqual(['spec.ingress[0].from[0].ipBlock.except[0]', 'spec.ingress[0].ports[0].port']);
    expect(errors.every(d => d.file === 'bad.yaml' && d.documentIndex === 0 && d.name === 'shop/bad' && d.severity === DiagnosticSeverity.ERROR)).toBe(true);
  });

  test('keeps a policy whose only problem is its name, with a warning', () => {
    // GIVEN a policy whose name is not a DNS name
    // WHEN loaded
    // THEN it is kept and the name is a warning
    const { cluster, diagnostics } = loadText(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: Not_A_DNS_Name}
spec: {podSelector: {}}
`);
    expect(cluster.policies.map(p => p.name)).toEqual(['Not_A_DNS_Name']);
    expect(diagnostics[0]).toMatchObject({ severity: DiagnosticSeverity.WARNING, code: DiagnosticCode.POLICY_WARNING, field: 'metadata.name' });
  });

  test('excludes a policy without a name and does not mistake prototype names for kinds', () => {
    // GIVEN a nameless policy and an object of kind "toString"
    const { cluster, diagnostics } = loadText(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: shop}
spec: {podSelector: {}}
---
kind: toString
metadata: {name: odd}
`);
    // WHEN loaded
    // THEN the policy is excluded with an error and the odd kind is an unknown kind
    expect(cluster.policies).toEqual([]);
    expect(diagnostics.map(d => [d.severity, d.code, d.field])).toEqual([
      [DiagnosticSeverity.ERROR, DiagnosticCode.INVALID_POLICY, 'metadata.name'],
      [DiagnosticSeverity.WARNING, DiagnosticCode.UNKNOWN_KIND, undefined],
    ]);
  });

  test('converts NetworkPolicy fields to the model (from/to -> peers, except -> exceptCidrs, default protocol TCP)', () => {
    // GIVEN a policy using every peer and port form
    // WHEN loaded
    // THEN the model uses the renamed fields
    const { cluster } = loadText(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 5432}, {protocol: UDP, port: 1000, endPort: 2000}, {port: metrics, protocol: TCP}]
`);
    expect(cluster.policies[0]).toEqual({
      name: 'p', namespaceName: 'shop', source: { documentIndex: 0 },
      podSelector: { matchExpressions: [{ key: 'app', op: 'In', values: ['web'] }] },
      policyTypes: ['Egress'],
      egress: [{
        peers: [{ ipBlock: { cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16'] } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 1000, endPort: 2000 }, { protocol: 'TCP', portName: 'metrics' }],
      }],
    });
  });

  test('reads JSON text', () => {
    // GIVEN a NamespaceList as JSON
    // WHEN loaded
    // THEN both namespaces are read
    const { cluster } = loadText(JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] }), 'ns.json');
    expect(cluster.namespaces.map(n => n.name)).toEqual(['a', 'b']);
  });
});

describe('workloads', () => {
  test('name pods by their controller owner; a Node owner is ignored; an owner without kind gives [Pod]', () => {
    // GIVEN pods owned by a ReplicaSet (twice), a Node, an owner with no kind, a non-controller owner, and no owner
    const owned = (name: string, owner: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
  labels: {app: ${name.split('-')[0]}}
  ownerReferences: [${owner}]
spec: {containers: [{name: c, image: x}]}
---
`;
    const { cluster } = loadText(
      owned('web-1', '{kind: ReplicaSet, name: web-7f9, controller: true}')
      + owned('web-2', '{kind: ReplicaSet, name: web-7f9, controller: true}')
      + owned('etcd-node1', '{kind: Node, name: node1, controller: true}')
      + owned('sec-1', '{name: internal-security, controller: true}')
      + owned('gc-1', '{kind: ReplicaSet, name: not-controller}')
      + POD('bare'));
    // THEN the workload names follow the owners
    expect(cluster.workloads.map(w => `${w.name}[${w.kind}]`)).toEqual([
      'web-7f9[ReplicaSet]', 'etcd-node1[Pod]', 'internal-security[Pod]', 'gc-1[Pod]', 'bare[Pod]',
    ]);
  });

  test('warns when pods of one owner have different labels and keeps the first pod\'s', () => {
    // GIVEN two pods of one DaemonSet with different labels
    // WHEN loaded
    // THEN one workload with the first labels, and a warning
    const pod = (name: string, tier: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {tier: ${tier}}, ownerReferences: [{kind: DaemonSet, name: agent, controller: true}]}
---
`;
    const { cluster, diagnostics } = loadText(pod('agent-a', 'one') + pod('agent-b', 'two'));
    expect(cluster.workloads).toHaveLength(1);
    expect(cluster.workloads[0].podLabels).toEqual({ tier: 'one' });
    expect(diagnostics.filter(d => d.code === DiagnosticCode.OWNER_LABELS_DIFFER)).toHaveLength(1);
  });

  test('read pod-template labels, named ports (default TCP) and hostNetwork of every workload kind', () => {
    // GIVEN every workload kind with a pod template (CronJob's under jobTemplate)
    // WHEN loaded
    // THEN labels, ports and hostNetwork come from the template
    const template = (labels: string) => `template:
      metadata: {labels: ${labels}}
      spec:
        hostNetwork: true
        containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}, {containerPort: 53, protocol: UDP}]}]`;
    const kinds = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'];
    const yaml = kinds.map(kind => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${kind.toLowerCase()}, namespace: shop}
spec:
    ${template(`{app: ${kind.toLowerCase()}}`)}
---
`).join('') + `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      ${template('{app: nightly}').replace(/\n {6}/g, '\n        ')}
`;
    const { cluster, diagnostics } = loadText(yaml);
    expect(diagnostics.filter(d => d.severity !== DiagnosticSeverity.INFO)).toEqual([]);
    expect(cluster.workloads.map(w => w.kind)).toEqual([...kinds, 'CronJob']);
    for (const w of cluster.workloads) {
      expect(w.podLabels).toEqual({ app: w.name });
      expect(w.hostNetwork).toBe(true);
      expect(w.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }]);
    }
  });

  test('reject a container port without a number, as the API server would: an error naming the field, the pod left out', () => {
    // GIVEN a container port with a misspelt containerPort
    // WHEN loaded
    // THEN the pod is left out with an error
    const { cluster, diagnostics } = loadText(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: c, image: x, ports: [{name: udps, containerport: 3535, protocol: UDP}]}]}
`);
    expect(cluster.workloads).toEqual([]);
    expect(diagnostics[0]).toMatchObject({
      severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.INVALID_OBJECT, field: 'spec.containers[0].ports[0].containerPort',
      message: 'containerPort is missing (got {"name":"udps","containerport":3535,"protocol":"UDP"}); it must be an integer from 1 to 65535',
    });
  });
});

describe('loadObjects', () => {
  test('loads already-parsed objects (cdk8s ApiObject.toJson output) with their index as document index', () => {
    // GIVEN objects as cdk8s ApiObject.toJson() returns them
    // WHEN loaded
    // THEN the source names the chart and the index
    const { cluster, diagnostics } = loadObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    ], 'chart');
    expect(cluster.policies[0]).toMatchObject({ name: 'deny', namespaceName: 'shop', policyTypes: ['Ingress'], source: { file: 'chart', documentIndex: 2 } });
    expect(diagnostics).toEqual([expect.objectContaining({ code: DiagnosticCode.IGNORED_KIND, file: 'chart', documentIndex: 1 })]);
  });
});

describe('loadPaths', () => {
  test('reads directories recursively, sorted, only *.yaml, *.yml and *.json', () => {
    // GIVEN files in nested folders, and a README that must be skipped
    const dir = tempDir({
      'b.yaml': POD('from-b'),
      'a/z.yml': POD('from-a-z'),
      'a/a.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'from-a-a', namespace: 'shop' } }),
      'README.md': '# not a manifest',
    });
    // WHEN loaded
    const { cluster } = loadPaths([dir]);
    // THEN the order is a/a.json, a/z.yml, b.yaml
    expect(cluster.workloads.map(w => w.name)).toEqual(['from-a-a', 'from-a-z', 'from-b']);
    expect(listManifestFiles(dir).map(f => path.relative(dir, f))).toEqual([path.join('a', 'a.json'), path.join('a', 'z.yml'), 'b.yaml']);
  });

  test('reads a file as UTF-8 text whether it is pure ASCII (read faster) or not', () => {
    // GIVEN an ASCII file, and files with 2-, 3- and 4-byte characters, a byte-order mark, and a byte that is not UTF-8
    const dir = tempDir({});
    const files: { [name: string]: Buffer } = {
      'ascii.yaml': Buffer.from(POD('plain', 'shop', '{app: web, note: "tab\\there"}')),
      'utf8.yaml': Buffer.from(`# caf\u00e9 \u20ac \u{1F600}\n${POD('accented')}`),
      'bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(POD('bom'))]),
      'invalid.yaml': Buffer.concat([Buffer.from('# '), Buffer.from([0xff]), Buffer.from(`\n${POD('invalid')}`)]),
    };
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
    for (const name of Object.keys(files)) {
      // WHEN read
      const file = path.join(dir, name);
      // THEN the text is exactly what fs.readFileSync(file, 'utf8') gives
      expect(readTextFile(file)).toBe(fs.readFileSync(file, 'utf8'));
    }
    // AND a missing file throws as fs.readFileSync does
    expect(() => readTextFile(path.join(dir, 'missing.yaml'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  test('reports a missing path as an error and still loads the others', () => {
    // GIVEN a missing file and an existing one
    // WHEN loaded
    // THEN the first is an error and the second is read
    const dir = tempDir({ 'ok.yaml': POD('ok') });
    const missing = path.join(dir, 'nope.yaml');
    const { cluster, diagnostics } = loadPaths([missing, path.join(dir, 'ok.yaml')]);
    expect(cluster.workloads.map(w => w.name)).toEqual(['ok']);
    expect(diagnostics[0]).toMatchObject({ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.MISSING_FILE, file: missing, message: `${missing} does not exist` });
  });

  test('formats diagnostics with file, document, field and code', () => {
    // GIVEN an invalid policy in document 1 of a file
    // WHEN its diagnostic is formatted
    // THEN the line holds file, document, field, severity, subject and code
    const dir = tempDir({ 'bad.yaml': `${POD('ok')}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}\n` });
    const { diagnostics } = loadPaths([dir]);
    const line = formatDiagnostic(diagnostics.find(d => d.code === DiagnosticCode.INVALID_POLICY)!);
    expect(line).toBe(`${path.join(dir, 'bad.yaml')}#1 spec.ingress[0].ports[0].port: error: NetworkPolicy shop/p: port 0 is not an integer from 1 to 65535 [invalid-policy]`);
  });

  test('records per file the line where each document starts, as readDocuments counts them', () => {
    // GIVEN YAML with a comment, an empty document and a malformed one, and a stream of JSON objects
    const yaml = `# shop\n\n${POD('a')}---\n---\n${POD('b')}---\nkind: [unclosed\n`;
    const json = `${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c', namespace: 'shop' } })}\n\n${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'd', namespace: 'shop' } }, null, 2)}\n`;
    const dir = tempDir({ 'a.yaml': yaml, 'b.json': json });
    // WHEN loaded
    const { documentLines } = loadPaths([dir]);
    // THEN each file's lines are the documents' own, by document index
    for (const [name, text] of [['a.yaml', yaml], ['b.json', json]]) {
      const file = path.join(dir, name);
      expect(documentLines.get(file)).toEqual([...load.readDocuments(text, file)].map(d => d.line));
    }
    expect(documentLines.get(path.join(dir, 'a.yaml'))!.slice(0, 1)).toEqual([3]);
    expect(documentLines.get(path.join(dir, 'b.json'))).toEqual([1, 3]);
  });
});

describe('loadObjects with cdk8s output', () => {
  test('analyses the manifests of a synthesized cdk8s chart', () => {
    // GIVEN a chart with a namespace, two deployments and a policy, written with plain ApiObjects
    const chart = new Chart(Testing.app(), 'shop');
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    for (const app of ['web', 'api']) {
      new ApiObject(chart, app, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: 'shop' },
        spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'main', image: app, ports: [{ name: 'http', containerPort: 8080 }] }] } } },
      });
    }
    new ApiObject(chart, 'policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api-from-web', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }] },
    });
    // WHEN the synthesized objects are loaded and analysed
    const { cluster, diagnostics } = loadObjects(Testing.synth(chart), 'shop');
    const analysis = Analysis.of(cluster);
    // THEN the policy's named port resolves on api, and nothing else reaches it
    expect(diagnostics).toEqual([]);
    expect(analysis.connectionsBetween('shop/web', 'shop/api').toString()).toBe('TCP 8080');
    expect(analysis.allowed('8.8.8.8', 'shop/api', 8080)).toBe(false);
  });
});

describe('annotations', () => {
  test('keeps metadata.annotations of NetworkPolicies and Namespaces (suppressions live there)', () => {
    // GIVEN
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: shop, annotations: {cdk8s-netpol.io/suppress: '[]', team: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop, annotations: {owner: team-web}}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
    // WHEN
    const { cluster } = loadText(text, 'a.yaml');
    // THEN
    expect(cluster.namespaces[0].annotations).toEqual({ 'cdk8s-netpol.io/suppress': '[]', 'team': 'web' });
    expect(cluster.policies[0].annotations).toEqual({ owner: 'team-web' });
  });
});

describe('directories written by cdk8s synth', () => {
  test('leave out construct-metadata.json, which is not a manifest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-dist-'));
    fs.writeFileSync(path.join(dir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: {} }));
    fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    const { cluster, diagnostics } = loadPaths([dir]);
    expect(cluster.namespaces.map(n => n.name)).toEqual(['shop']);
    expect(diagnostics.filter(d => d.severity !== 'info')).toEqual([]);
  });
});

describe('CNI-specific policy kinds', () => {
  test('a Calico NetworkPolicy is skipped and listed, never read as a Kubernetes one', () => {
    const { cluster, diagnostics } = loadText(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: log-all, namespace: shop}
spec: {selector: all(), types: [Ingress], ingress: [{action: Log}]}
`, 'calico.yaml');
    expect(cluster.policies).toEqual([]);
    expect(diagnostics.map(d => d.message)).toContain('NetworkPolicy "log-all" of apiVersion projectcalico.org/v3 is a CNI-specific policy, not a Kubernetes NetworkPolicy that the analysis does not model (it reads networking.k8s.io/v1 NetworkPolicies and the cluster policies of policy.networking.k8s.io v1alpha1 and v1alpha2 only), so an answer without it can be wrong; skipped');
    expect(diagnostics.map(d => d.code)).toContain(DiagnosticCode.UNMODELLED_POLICY);
  });

  test.each([
    ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'],
    ['projectcalico.org/v3', 'GlobalNetworkPolicy'],
    ['policy.networking.k8s.io/v1beta1', 'ClusterNetworkPolicy'],
    ['policy.networking.k8s.io/v1alpha1', 'ClusterNetworkPolicy'],
    ['crd.antrea.io/v1beta1', 'ClusterNetworkPolicy'],
    ['example.com/v1', 'TenantNetworkPolicy'],
  ])('%s %s is an unmodelled policy', (apiVersion, kind) => {
    const { diagnostics } = loadText(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: p}\n`, 'p.yaml');
    expect(diagnostics.map(d => [d.severity, d.code])).toEqual([[DiagnosticSeverity.WARNING, DiagnosticCode.UNMODELLED_POLICY]]);
  });

  test('a Calico staged policy, which enforces nothing, is only ignored', () => {
    const { diagnostics } = loadText('apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata: {name: p, namespace: shop}\n', 'p.yaml');
    expect(diagnostics.map(d => [d.severity, d.code])).toEqual([[DiagnosticSeverity.INFO, DiagnosticCode.IGNORED_KIND]]);
  });
});

describe('lib/model/load after its split into lib/model/load/', () => {
  test('exports every name it exported before, so that no importer changes', () => {
    // GIVEN the runtime names of the module before the split (its types are checked by the importers' compilation)
    const before = ['DiagnosticSeverity', 'DiagnosticCode', 'NOT_MANIFESTS', 'MANIFEST_EXTENSIONS', 'yamlChunks', 'loadObjects', 'loadText', 'listManifestFiles', 'loadPaths', 'formatDiagnostic'];
    // THEN each is still there
    expect(Object.keys(load)).toEqual(expect.arrayContaining(before));
  });

  test('readDocuments gives each document its index and first content line, for YAML and for a JSON stream alike', () => {
    // GIVEN a YAML file with a comment, an empty document and two objects, and two JSON objects on lines 1 and 3
    const yaml = `# comment\n${POD('a')}---\n---\n\n${POD('b')}`;
    const json = `{"kind": "Namespace", "metadata": {"name": "a"}}\n\n  {"kind": "Namespace", "metadata": {"name": "b"}}\n`;
    // WHEN read
    const docs = (text: string, file: string) => [...load.readDocuments(text, file)].map(d => [d.documentIndex, d.line, (d.value as { metadata?: { name: string } } | null)?.metadata?.name ?? null]);
    // THEN the indexes are the loader's diagnostics' and the lines point at each document's content (an empty one's at its marker)
    expect(docs(yaml, 'a.yaml')).toEqual([[0, 2, 'a'], [1, 6, null], [2, 9, 'b']]);
    expect(docs(json, 'a.json')).toEqual([[0, 1, 'a'], [1, 3, 'b']]);
  });
});

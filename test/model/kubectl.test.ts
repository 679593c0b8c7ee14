/**
 * Reading manifests as kubectl does (the issue "Reading YAML as kubectl does"). Each test states the values kubectl
 * reads, found by running kubectl on the same files, and, when kubectl is on PATH, checks that it still reads them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, loadPaths, loadText, readDocuments } from '../../lib/model/load';
import { KUBECTL, kubectlRead } from './kubectl';

const FIXTURES = path.join(__dirname, 'fixtures', 'kubectl');
const fixture = (name: string) => path.join(FIXTURES, name);

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(files: { [name: string]: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-kubectl-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The objects of a file as the loader reads them (before any Kubernetes check), empty documents left out. */
function objects(file: string): unknown[] {
  return [...readDocuments(fs.readFileSync(file, 'utf-8'), file)].map(d => d.value).filter(v => v !== undefined && v !== null);
}

function notInfo(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter(d => d.severity !== DiagnosticSeverity.INFO);
}

function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR);
}

const POD = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {app: ${name}}}
spec: {containers: [{name: main, image: x${extra}}]}
`;

describe('YAML that kubectl reads although the YAML spec rejects it', () => {
  test('a flow sequence continued on a line that starts with a tab', () => {
    // GIVEN `args: [ ... ,` continued on a line that starts with a tab
    const file = fixture('tab-in-flow-sequence.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN the pod is read, with its args, as kubectl reads it, and an info names the line
    expect(notInfo(diagnostics)).toEqual([]);
    expect(cluster.workloads.map(w => [w.name, w.ports])).toEqual([['web', [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]]]);
    const [pod] = objects(file) as { spec: { containers: { args: string[] }[] } }[];
    expect(pod.spec.containers[0].args).toEqual(['--port', '8080', '--verbose']);
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: DiagnosticCode.LENIENT_YAML, file, documentIndex: 0, message: expect.stringMatching(/^line 13: /) }));
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('a quoted string continued at the indentation of its key', () => {
    // GIVEN a single-quoted annotation and a double-quoted flow item, each continued at its key's indentation
    const file = fixture('quoted-continuation.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN both strings are folded as kubectl folds them
    expect(notInfo(diagnostics)).toEqual([]);
    expect(cluster.workloads.map(w => w.name)).toEqual(['api']);
    const [pod] = objects(file) as { metadata: { annotations: object }; spec: { containers: { command: string[] }[] } }[];
    expect(pod.metadata.annotations).toEqual({ note: 'first line continued' });
    expect(pod.spec.containers[0].command).toEqual(['sh', '-c', 'echo hi; sleep 1']);
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('still rejects what kubectl rejects: a tab as block indentation, a document marker inside a quoted string', () => {
    // GIVEN two files kubectl fails on
    const dir = tempDir({
      'tab-indent.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: c\n',
      'marker.yaml': "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 'x\n---\n  y'\n",
    });
    for (const name of ['tab-indent.yaml', 'marker.yaml']) {
      // WHEN loaded
      const file = path.join(dir, name);
      const { diagnostics } = loadPaths([file]);
      // THEN it is malformed, as kubectl says
      expect(errors(diagnostics)).toContainEqual(expect.objectContaining({ code: DiagnosticCode.MALFORMED_DOCUMENT, file }));
      if (KUBECTL) expect(kubectlRead([file]).error).toMatch(/error converting YAML to JSON/);
    }
  });
});

describe('YAML 1.1, as kubectl reads it', () => {
  test('scalars: octal, hex, binary and underscored numbers, the boolean words, no timestamps or sexagesimals', () => {
    // GIVEN every scalar form where go-yaml (kubectl) and YAML 1.2 may differ
    const file = fixture('scalars.yaml');
    // WHEN read
    const [configMap] = objects(file) as { x: unknown }[];
    // THEN the values are go-yaml's
    expect(configMap.x).toEqual({
      'octal': 8, 'octal-o': 8, 'leading-zero-8': 8, 'negative-octal': -8, 'hex': 31, 'hex-upper': 31, 'binary': 5,
      'underscores': 1000, 'plus': 12, 'exponent': 1000, 'dot-float': 0.5, 'sexagesimal': '1:20', 'timestamp': '2001-12-14',
      'too-big': '1e400',
      'words': [true, true, true, false, true, true, true, false, true, true, false, false, true, true, true, 'tRue'],
      'nulls': [null, null, null, null],
      'tagged': ['010', 8, 'hello'],
      'set': { a: null, b: null },
      'true': 'key-yes',
      '8': 'key-octal',
      'merged': { a: 'first', b: 'first', c: 'own' },
    });
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('port: 010 is port 8, with a warning; a << merge key fills the podSelector', () => {
    // GIVEN a policy with `port: 010`, `port: 0o10, endPort: 1_000` and `podSelector: {<<: *web}`
    const file = fixture('yaml-1.1.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN the ports are 8 and 8-1000 and the selector is app=web, never {} (every pod)
    expect(cluster.policies).toHaveLength(1);
    expect(cluster.policies[0].podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(cluster.policies[0].ingress![0].ports).toEqual([{ protocol: 'TCP', port: 8 }, { protocol: 'TCP', port: 8, endPort: 1000 }]);
    // AND the octal port, which a reader may take for 10, is a warning; the merge and 1_000 are infos
    expect(diagnostics.filter(d => d.code === DiagnosticCode.YAML_1_1).map(d => [d.severity, d.field])).toEqual([
      [DiagnosticSeverity.WARNING, 'spec.ingress[0].ports[0].port'],
      [DiagnosticSeverity.INFO, 'spec.ingress[0].ports[1].endPort'],
      [DiagnosticSeverity.INFO, 'spec.podSelector'],
    ]);
    expect(diagnostics.find(d => d.field === 'spec.ingress[0].ports[0].port')!.message).toBe('line 10: 010 is 8 to kubectl (YAML 1.1 reads a leading 0 as octal), and 10 to YAML 1.2 tools; read as 8, as kubectl does. Write 8 if that is meant, or 10 without the leading 0');
    if (KUBECTL) {
      const [policy] = kubectlRead([file]).objects as { spec: object }[];
      expect(policy.spec).toMatchObject({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8 }, { port: 8, endPort: 1000 }] }] });
      expect(objects(file)).toEqual(kubectlRead([file]).objects);
    }
  });

  test('an octal number outside the fields the analysis reads (defaultMode: 0644) is only an info', () => {
    // GIVEN a Deployment mounting a secret with the usual octal mode
    const { diagnostics } = loadText(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: x}]
      volumes: [{name: s, secret: {secretName: s, defaultMode: 0644}}]
`);
    // THEN it is mentioned at info level only
    expect(diagnostics.filter(d => d.code === DiagnosticCode.YAML_1_1).map(d => [d.severity, d.field])).toEqual([
      [DiagnosticSeverity.INFO, 'spec.template.spec.volumes[0].secret.defaultMode'],
    ]);
  });

  test('matchLabels {enabled: yes} is a boolean to kubectl: an error naming the field and how the value was written', () => {
    // GIVEN a selector label value written yes
    const file = fixture('boolean-label.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN the policy is rejected, as the API server would reject it, never read as the string "yes"
    expect(cluster.policies).toEqual([]);
    expect(errors(diagnostics)).toEqual([{
      severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.INVALID_POLICY, file, documentIndex: 0,
      field: 'spec.podSelector.matchLabels.enabled', kind: 'NetworkPolicy', name: 'shop/enabled-only',
      message: 'label value true is not a string; quote it in YAML (written yes, which kubectl reads as the YAML 1.1 boolean true)',
    }]);
    if (KUBECTL) {
      const [policy] = kubectlRead([file]).objects as { spec: { podSelector: object } }[];
      expect(policy.spec.podSelector).toEqual({ matchLabels: { enabled: true } });
    }
  });

  test('a pod label written yes, or a namespace named y, is an error: kubectl cannot decode the object', () => {
    // GIVEN a pod labelled enabled: yes and a namespace named y
    const dir = tempDir({
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {enabled: yes}}\nspec: {containers: [{name: main, image: x}]}\n',
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n',
    });
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([dir]);
    // THEN both are errors naming the field and the YAML 1.1 reading, and neither is analysed
    expect(cluster.workloads).toEqual([]);
    expect(cluster.namespaces).toEqual([]);
    expect(errors(diagnostics).map(d => [path.basename(d.file!), d.field, d.code, d.message])).toEqual([
      ['ns.yaml', 'metadata.name', DiagnosticCode.INVALID_OBJECT, 'metadata.name true is not a string; quote it in YAML; kubectl cannot decode this object (written y, which kubectl reads as the YAML 1.1 boolean true)'],
      ['pod.yaml', 'metadata.labels.enabled', DiagnosticCode.INVALID_OBJECT, 'label value true is not a string; quote it in YAML; kubectl cannot decode this object (written yes, which kubectl reads as the YAML 1.1 boolean true)'],
    ]);
    if (KUBECTL) {
      expect(kubectlRead([path.join(dir, 'ns.yaml')]).error).toMatch(/cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string/);
      expect(kubectlRead([path.join(dir, 'pod.yaml')]).error).toMatch(/cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string/);
    }
  });

  test('!!merge << as a value is the string "<<", as go-yaml reads it (the tag merges only as a key)', () => {
    // GIVEN `!!merge <<` as a map value and as a sequence entry, next to a real merge key
    const dir = tempDir({
      'merge-tag.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m, namespace: shop}\nx:\n  value: !!merge <<\n  list: [!!merge <<, b]\n  base: &base {k: 1}\n  merged: {!!merge <<: *base, c: 2}\n',
    });
    const file = path.join(dir, 'merge-tag.yaml');
    // WHEN read
    const [configMap] = objects(file) as { x: unknown }[];
    // THEN the values are strings, never a JavaScript symbol, and the key still merges
    expect(configMap.x).toEqual({ value: '<<', list: ['<<', 'b'], base: { k: 1 }, merged: { k: 1, c: 2 } });
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('a << after a key replaces it, as go-yaml does (the merge spec would keep it), with a warning', () => {
    // GIVEN podSelector: {matchLabels: {app: api}, <<: *db}
    const file = fixture('merge-override.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN the selector is db's, and the warning says why
    expect(cluster.policies[0].podSelector).toEqual({ matchLabels: { app: 'db' } });
    expect(notInfo(diagnostics)).toEqual([expect.objectContaining({
      severity: DiagnosticSeverity.WARNING, code: DiagnosticCode.YAML_1_1, field: 'spec.podSelector',
      message: expect.stringContaining('this << merge replaces "matchLabels" set before it in this map'),
    })]);
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('a key twice in one map: the last value, as kubectl, and a warning', () => {
    // GIVEN labels {app: db, app: postgres}
    const file = fixture('duplicate-key.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN app=postgres, and the first value's loss is a warning
    expect(cluster.workloads[0].podLabels).toEqual({ app: 'postgres' });
    expect(notInfo(diagnostics)).toEqual([{
      severity: DiagnosticSeverity.WARNING, code: DiagnosticCode.DUPLICATE_KEY, file, documentIndex: 0, field: 'metadata.labels.app',
      message: 'key "app" appears twice in one map (lines 8 and 9); kubectl keeps the last value and drops the first without a word. Remove one',
    }]);
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test.each([
    ['.inf', 'data: {a: .inf}', /JSON cannot hold/],
    ['an escaped slash', 'data: {a: "x\\/y"}', /"\\\/" is not an escape go-yaml knows/],
    ['a null key', 'data: {~: x}', /a map key is null/],
    ['a merge of a string', 'data: {<<: "x"}', /map merge requires map or sequence of maps/],
    ['an alias inside the node it names', 'data: &a {a: *a}', /the alias \*a is inside the node anchored &a, so its value would contain itself/],
  ])('what kubectl cannot convert to JSON is a malformed document: %s', (_name, line, message) => {
    // GIVEN a ConfigMap with the form
    const file = path.join(tempDir({ 'f.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n${line}\n` }), 'f.yaml');
    // WHEN loaded
    const { diagnostics } = loadPaths([file]);
    // THEN it is an error that names the file and document
    expect(errors(diagnostics)).toEqual([expect.objectContaining({ code: DiagnosticCode.MALFORMED_DOCUMENT, file, documentIndex: 0, message: expect.stringMatching(message) })]);
    if (KUBECTL) expect(kubectlRead([file]).error).toMatch(/error (converting YAML to JSON|parsing)/);
  });
});

describe('JSON, as kubectl reads it', () => {
  test('two concatenated objects in a .json file are both read', () => {
    // GIVEN a Namespace and a Pod, one JSON object per line
    const file = fixture('concatenated.json');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN both are read, as documents 0 and 1
    expect(diagnostics).toEqual([]);
    expect(cluster.namespaces).toEqual([{ name: 'shop', labels: { team: 'red' }, source: { file, documentIndex: 0 } }]);
    expect(cluster.workloads.map(w => [w.name, w.source])).toEqual([['web', { file, documentIndex: 1 }]]);
    if (KUBECTL) expect(objects(file)).toEqual(kubectlRead([file]).objects);
  });

  test('objects separated by a comma: the first is read, then an error with line and column, as kubectl stops there', () => {
    // GIVEN `{...},\n{...}`
    const first = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
    const file = path.join(tempDir({ 'a.json': `${first},\n{"apiVersion": "v1"}` }), 'a.json');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN
    expect(cluster.namespaces.map(n => n.name)).toEqual(['a']);
    expect(errors(diagnostics)).toEqual([expect.objectContaining({
      code: DiagnosticCode.MALFORMED_DOCUMENT, file, documentIndex: 1,
      message: expect.stringMatching(new RegExp(`^malformed JSON \\(line 1, column ${first.length + 1}\\): .*; the rest of the file is not read, as kubectl stops there too`)),
    })]);
    if (KUBECTL) {
      const read = kubectlRead([file]);
      expect(read.objects.map(o => (o.metadata as { name: string }).name)).toEqual(['a']);
      expect(read.error).toMatch(/invalid character ','/);
    }
  });

  test('a file that starts with { is JSON to kubectl, whatever its extension: a flow-style YAML map there is an error', () => {
    // GIVEN flow YAML that a YAML parser would accept
    const file = path.join(tempDir({ 'flow.yaml': '{apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n' }), 'flow.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN it is not read, as kubectl does not read it
    expect(cluster.namespaces).toEqual([]);
    expect(errors(diagnostics)).toEqual([expect.objectContaining({ code: DiagnosticCode.MALFORMED_DOCUMENT, message: expect.stringMatching(/^malformed JSON \(line 1, column 2\)/) })]);
    if (KUBECTL) expect(kubectlRead([file]).error).toMatch(/invalid character 'a' looking for beginning of object key string/);
  });
});

describe('documents that are not objects', () => {
  test('a scalar, a list or an object without kind is an error, as kubectl fails on it', () => {
    // GIVEN three such documents
    const file = path.join(tempDir({ 'bad.yaml': `just a string\n---\n- a\n- b\n---\napiVersion: v1\nmetadata: {name: x}\n---\n${POD('ok')}` }), 'bad.yaml');
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([file]);
    // THEN each is an error with its document index, and the pod is still read
    expect(errors(diagnostics).map(d => [d.code, d.documentIndex])).toEqual([
      [DiagnosticCode.NOT_AN_OBJECT, 0], [DiagnosticCode.NOT_AN_OBJECT, 1], [DiagnosticCode.NOT_AN_OBJECT, 2],
    ]);
    expect(cluster.workloads.map(w => w.name)).toEqual(['ok']);
    if (KUBECTL) expect(kubectlRead([file]).error).toMatch(/cannot unmarshal string/);
  });
});

describe('directories, as kubectl apply -R walks them', () => {
  function loopDir(): string {
    const dir = tempDir({ 'a.yaml': POD('a'), 'sub/b.yaml': POD('b') });
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    fs.symlinkSync('self', path.join(dir, 'self'));
    return dir;
  }

  test('a symlink loop is not followed: no crash, each manifest read once, an info naming the link', () => {
    // GIVEN sub/up -> .. and self -> self
    const dir = loopDir();
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([dir]);
    // THEN a and b are read once, and the loop is an info naming its path
    expect(cluster.workloads.map(w => w.name)).toEqual(['a', 'b']);
    expect(notInfo(diagnostics)).toEqual([]);
    const up = path.join(dir, 'sub', 'up');
    expect(diagnostics).toContainEqual(expect.objectContaining({
      severity: DiagnosticSeverity.INFO, code: DiagnosticCode.SYMLINKED_DIRECTORY, file: up, message: expect.stringContaining(`${up} -> .. is a symlink loop back to`),
    }));
    if (KUBECTL) {
      const read = kubectlRead([dir], true);
      expect(read.error).toBeUndefined();
      expect(read.objects.map(o => (o.metadata as { name: string }).name)).toEqual(['a', 'b']);
    }
  });

  test('a dangling symlink named like a manifest is an error; a symlinked directory is not read, with a warning', () => {
    // GIVEN gone.yaml -> nowhere.yaml and other -> a directory elsewhere holding c.yaml
    const dir = tempDir({ 'a.yaml': POD('a') });
    const elsewhere = tempDir({ 'c.yaml': POD('c') });
    fs.symlinkSync('nowhere.yaml', path.join(dir, 'gone.yaml'));
    fs.symlinkSync(elsewhere, path.join(dir, 'other'));
    // WHEN loaded
    const { cluster, diagnostics } = loadPaths([dir]);
    // THEN a is read, gone.yaml is an error, other is a warning that says how to read it
    expect(cluster.workloads.map(w => w.name)).toEqual(['a']);
    expect(notInfo(diagnostics).map(d => [d.severity, d.code, d.file])).toEqual([
      [DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, path.join(dir, 'gone.yaml')],
      [DiagnosticSeverity.WARNING, DiagnosticCode.SYMLINKED_DIRECTORY, path.join(dir, 'other')],
    ]);
    expect(notInfo(diagnostics)[1].message).toContain(`Pass ${fs.realpathSync(elsewhere)} as a PATH of its own to read them`);
    if (KUBECTL) {
      const read = kubectlRead([dir], true);
      expect(read.objects.map(o => (o.metadata as { name: string }).name)).toEqual(['a']);
      expect(read.error).toMatch(/gone\.yaml: no such file or directory/);
    }
  });
});

describe('names, labels and ports the API server rejects', () => {
  test('a Namespace with an invalid name or label is an error and is left out', () => {
    // GIVEN
    const { cluster, diagnostics } = loadText(`apiVersion: v1
kind: Namespace
metadata: {name: Shop_1}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {"bad key": x, team: "-red"}}
`, 'ns.yaml');
    // THEN
    expect(cluster.namespaces).toEqual([]);
    expect(errors(diagnostics).map(d => [d.documentIndex, d.code, d.field, d.message])).toEqual([
      [0, DiagnosticCode.INVALID_OBJECT, 'metadata.name', 'namespace name "Shop_1" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "shop-1")'],
      [1, DiagnosticCode.INVALID_OBJECT, 'metadata.labels', 'label key "bad key" is not a valid name: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit'],
      [1, DiagnosticCode.INVALID_OBJECT, 'metadata.labels.team', 'label value "-red" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string)'],
    ]);
  });

  test('pods and workloads with invalid names, namespaces, labels or container ports are errors and are left out', () => {
    // GIVEN one problem per object, and one valid pod
    const { cluster, diagnostics } = loadText(`apiVersion: v1
kind: Pod
metadata: {name: Web_1, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: Shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec: {template: {metadata: {labels: {app: "${'x'.repeat(64)}"}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: main, image: x, ports: [{name: PG, containerPort: 5432}, {name: pg, containerPort: 5433}, {name: pg, containerPort: 5434}]}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: ${'n'.repeat(53)}, namespace: shop}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: job}}}}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec: {template: {spec: {containers: [{name: main, image: x, ports: [{containerPort: "53"}, {containerPort: 70000}, {containerPort: 53, protocol: ICMP}]}]}}}
---
${POD('ok')}`, 'w.yaml');
    // THEN only the valid pod is analysed
    expect(cluster.workloads.map(w => w.name)).toEqual(['ok']);
    // AND each problem is an error with its document, object, field and the rule
    expect(errors(diagnostics).map(d => [d.documentIndex, d.kind, d.name, d.field, d.code])).toEqual([
      [0, 'Pod', 'shop/Web_1', 'metadata.name', DiagnosticCode.INVALID_OBJECT],
      [1, 'Pod', 'Shop/web', 'metadata.namespace', DiagnosticCode.INVALID_OBJECT],
      [2, 'Deployment', 'shop/api', 'spec.template.metadata.labels.app', DiagnosticCode.INVALID_OBJECT],
      [3, 'StatefulSet', 'shop/db', 'spec.template.spec.containers[0].ports[0].name', DiagnosticCode.INVALID_OBJECT],
      [3, 'StatefulSet', 'shop/db', 'spec.template.spec.containers[0].ports[2].name', DiagnosticCode.INVALID_OBJECT],
      [4, 'CronJob', `shop/${'n'.repeat(53)}`, 'metadata.name', DiagnosticCode.INVALID_OBJECT],
      [5, 'DaemonSet', 'shop/agent', 'spec.template.spec.containers[0].ports[0].containerPort', DiagnosticCode.INVALID_OBJECT],
      [5, 'DaemonSet', 'shop/agent', 'spec.template.spec.containers[0].ports[1].containerPort', DiagnosticCode.INVALID_OBJECT],
      [5, 'DaemonSet', 'shop/agent', 'spec.template.spec.containers[0].ports[2].protocol', DiagnosticCode.INVALID_OBJECT],
    ]);
    expect(errors(diagnostics).map(d => d.message)).toEqual([
      'name "Web_1" is not a DNS-1123 subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "web-1")',
      'namespace name "Shop" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "shop")',
      `label value "${'x'.repeat(64)}" is 64 characters long; at most 63 are allowed`,
      'port name "PG" may contain only lowercase letters, digits and \'-\'',
      'port name "pg" is used twice in this container; names must be unique within a container',
      `CronJob name "${'n'.repeat(53)}" is 53 characters long; at most 52 are allowed (the Jobs it creates append 11 characters)`,
      'containerPort "53" is not a number; write it without quotes',
      'containerPort 70000 is not an integer from 1 to 65535',
      'protocol "ICMP" is not one of TCP, UDP, SCTP',
    ]);
  });

  test('a NetworkPolicy with an invalid label of its own is rejected too', () => {
    // GIVEN
    const { cluster, diagnostics } = loadText(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop, labels: {"team/": red}}
spec: {podSelector: {}}
`);
    // THEN
    expect(cluster.policies).toEqual([]);
    expect(errors(diagnostics)).toEqual([expect.objectContaining({ code: DiagnosticCode.INVALID_POLICY, field: 'metadata.labels', message: 'label key "team/" has an empty name after the prefix' })]);
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, formatConnections, OUTPUT_FORMATS } from '../../lib/analysis';
import { noWorkloadsWarning } from '../../lib/cli/analyze';
import { run } from '../../lib/cli/main';
import { loadPaths } from '../../lib/model/load';
import { openPodsDirectory } from '../support/clusters';
import { cli, fixture, LIST_CONNLIST, PRODUCTION, PRODUCTION_CONNLIST } from './support';

describe('analyze on valid manifests', () => {
  test('prints the field guide connection list in connlist format, with nothing on stderr', async () => {
    // GIVEN the guide's production namespace (a directory of multi-document YAML files)
    // WHEN
    const result = await cli('analyze', PRODUCTION);
    // THEN
    expect(result).toEqual({ code: 0, stdout: PRODUCTION_CONNLIST, stderr: '' });
  });

  test('reads a JSON file holding a kind: List', async () => {
    // WHEN
    const result = await cli('analyze', fixture('list.json'));
    // THEN
    expect(result).toEqual({ code: 0, stdout: LIST_CONNLIST, stderr: '' });
  });

  test('analyses several paths as one cluster, sorted by source then destination', async () => {
    // GIVEN shop (a List) and production: shop's unprotected pods and coredns now also reach each other
    // WHEN
    const result = await cli('analyze', fixture('list.json'), PRODUCTION);
    // THEN
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '0.0.0.0-255.255.255.255[External] => kube-system/coredns[Deployment] : All Connections',
        '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections',
        'kube-system/coredns[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'kube-system/coredns[Deployment] => shop/web[Deployment] : All Connections',
        'production/api[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
        'production/api[Deployment] => production/postgres[Deployment] : TCP 5432',
        'production/frontend[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
        'production/postgres[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53',
        'shop/db[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/db[Deployment] => kube-system/coredns[Deployment] : All Connections',
        'shop/db[Deployment] => shop/web[Deployment] : All Connections',
        'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/web[Deployment] => kube-system/coredns[Deployment] : All Connections',
        'shop/web[Deployment] => shop/db[Deployment] : TCP 5432',
        '',
      ].join('\n'),
    });
  });

  test.each(OUTPUT_FORMATS.map(f => [f]))('prints --output %s exactly as formatConnections does', async format => {
    // GIVEN
    const expected = formatConnections(Analysis.of(loadPaths([PRODUCTION]).cluster).connections(), format);
    // WHEN
    const result = await cli('analyze', PRODUCTION, '--output', format);
    // THEN
    expect(result).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  test.each(OUTPUT_FORMATS.map(f => [f]))('writes a long --output %s as bytes, into one buffer reused once each is written', async format => {
    // GIVEN: 120 open pods, about 1.3 MB of JSON (connlist's 0.7 MB), so more than one buffer; the io copies each, as outBytes' contract asks.
    const dir = openPodsDirectory(120);
    try {
      const expected = formatConnections(Analysis.of(loadPaths([dir]).cluster).connections(), format);
      const buffers: Buffer[] = [];
      const memory = new Set<ArrayBufferLike>();
      let stderr = '';
      // WHEN
      const code = await run(['analyze', '-o', format, dir], {
        out: () => { throw new Error('the list is written as bytes'); },
        outBytes: bytes => { buffers.push(Buffer.from(bytes)); memory.add(bytes.buffer); },
        err: t => { stderr += t; },
      });
      // THEN the bytes are the list, and every buffer but an oversized piece's came from the same memory
      expect(code).toBe(0);
      expect(stderr).not.toContain('error');
      expect(Buffer.concat(buffers).toString('utf8') === expected).toBe(true);
      expect(memory.size).toBe(1);
      if (format === 'json') expect(buffers.length).toBeGreaterThan(1);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test('accepts -o as the short form of --output and prints parseable JSON', async () => {
    // WHEN
    const result = await cli('analyze', '-o', 'json', PRODUCTION);
    // THEN
    expect(result.code).toBe(0);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stdout).toContain('production/postgres');
  });
});

describe('analyze diagnostics', () => {
  test('lists a warning for an unknown kind and counts the hidden info diagnostics, exit 0', async () => {
    // GIVEN a cert-manager Certificate (unknown kind) and a Service (ignored kind)
    const file = fixture('unknown-kind.yaml');
    // WHEN
    const result = await cli('analyze', file);
    // THEN
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: `${file}#0: warning: Certificate web-tls: Certificate "web-tls" (apiVersion cert-manager.io/v1) skipped: the analysis does not know this kind [unknown-kind]\n`
        + 'note: 1 info diagnostic (ignored kinds) not shown; add --verbose to list them\n'
        + `${noWorkloadsWarning(0)}\n`,
    });
  });

  test('refuses to answer, with exit 2 and nothing on stdout, when the input holds a policy kind the analysis does not model', async () => {
    // GIVEN workloads and a CiliumNetworkPolicy, which on a Cilium cluster denies what the connection list would allow
    const result = await cli('analyze', fixture('list.json'), fixture('unmodelled-policy.yaml'));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[unmodelled-policy]\n');
    expect(result.stderr).toContain('error: the input holds 1 policy that the analysis does not model (CiliumNetworkPolicy deny-web), which can change the answer; no connections printed. Leave them out of the input, or add --ignore-unmodelled to answer without them.\n');
  });

  test('answers without the unmodelled policies with --ignore-unmodelled, and says so with the answer', async () => {
    const result = await cli('analyze', fixture('list.json'), fixture('unmodelled-policy.yaml'), '--ignore-unmodelled');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(LIST_CONNLIST);
    expect(result.stderr).toContain('note: this answer leaves out 1 policy the analysis does not model (CiliumNetworkPolicy deny-web), as --ignore-unmodelled asked; on the cluster they can allow or deny more\n');
  });

  test.each(['explain', 'graph'])('%s refuses the same input, and answers with --ignore-unmodelled', async command => {
    const args = command === 'explain' ? ['--from', 'shop/web', '--to', 'shop/db', '--port', '80'] : ['--output', 'dot'];
    const refused = await cli(command, ...args, fixture('list.json'), fixture('unmodelled-policy.yaml'));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('add --ignore-unmodelled to answer without them');
    const answered = await cli(command, ...args, fixture('list.json'), fixture('unmodelled-policy.yaml'), '--ignore-unmodelled');
    expect(answered.code).toBe(0);
    expect(answered.stdout).not.toBe('');
    expect(answered.stderr).toContain('note: this answer leaves out 1 policy the analysis does not model');
  });

  test('lists the info diagnostics too with --verbose', async () => {
    // GIVEN
    const file = fixture('unknown-kind.yaml');
    // WHEN
    const result = await cli('analyze', '--verbose', file);
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${file}#1: info: Service web: Service "web" does not affect NetworkPolicy connectivity; skipped [ignored-kind]\n`);
    expect(result.stderr).not.toContain('not shown');
  });

  test('fails with exit 1 on warnings with --fail-on warning, after printing the connections', async () => {
    // WHEN
    const result = await cli('analyze', fixture('list.json'), fixture('unknown-kind.yaml'), '--fail-on', 'warning');
    // THEN
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(LIST_CONNLIST);
    expect(result.stderr).toContain('[unknown-kind]\n');
    expect(result.stderr).toContain('error: 1 warning in the input (see above) and --fail-on warning was given. Fix them, or use --fail-on error to accept them.\n');
  });

  test('succeeds with --fail-on warning when there are no warnings', async () => {
    // WHEN
    const result = await cli('analyze', PRODUCTION, '--fail-on', 'warning');
    // THEN
    expect(result).toEqual({ code: 0, stdout: PRODUCTION_CONNLIST, stderr: '' });
  });

  test('warns about a directory without manifests, and fails on it with --fail-on warning', async () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-cli-'));
    try {
      // WHEN
      const lenient = await cli('analyze', dir);
      const strict = await cli('analyze', dir, '--fail-on', 'warning');
      // THEN
      expect(lenient).toEqual({ code: 0, stdout: '', stderr: `${dir}: warning: directory ${dir} holds no .yaml, .yml, .json files [missing-file]\n${noWorkloadsWarning(0)}\n` });
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('error: 2 warnings in the input (see above) and --fail-on warning was given.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze on bad input (exit 2, nothing on stdout)', () => {
  test('fails for a path that does not exist', async () => {
    // GIVEN
    const missing = fixture('does-not-exist.yaml');
    // WHEN
    const result = await cli('analyze', PRODUCTION, missing);
    // THEN
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${missing}: error: ${missing} does not exist [missing-file]\n`
        + 'error: 1 input path could not be read (see above); no connections printed. Check the PATH arguments.\n',
    });
  });

  test('fails for a path that does not exist even with --fail-on never', async () => {
    // WHEN
    const result = await cli('analyze', PRODUCTION, fixture('does-not-exist.yaml'), '--fail-on', 'never');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: 1 input path could not be read (see above); no connections printed. Check the PATH arguments.\n');
  });

  test('fails for malformed YAML, naming the file, the document and the line', async () => {
    // GIVEN
    const file = fixture('malformed.yaml');
    // WHEN
    const result = await cli('analyze', file);
    // THEN
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${file}#0: error: malformed YAML (line 4, column 1): Flow map in block collection must be sufficiently indented and end with a }; document skipped [malformed-document]\n`
        + 'error: 1 error in the input (see above); no connections printed. Fix the manifests, or add --fail-on never to leave the bad parts out.\n',
    });
  });

  test('fails for an invalid NetworkPolicy, with one line per problem and its field', async () => {
    // GIVEN a policy with port 0 and a cidr with host bits set
    const file = fixture('invalid-policy.yaml');
    // WHEN
    const result = await cli('analyze', fixture('list.json'), file);
    // THEN
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `${file}#0 spec.ingress[0].ports[0].port: error: NetworkPolicy shop/bad-ports: port 0 is not an integer from 1 to 65535 [invalid-policy]\n`
        + `${file}#0 spec.ingress[0].from[0].ipBlock.cidr: error: NetworkPolicy shop/bad-ports: CIDR "10.0.0.1/8" has host bits set. Did you mean "10.0.0.0/8"? [invalid-policy]\n`
        + 'error: 2 errors in the input (see above); no connections printed. Fix the manifests, or add --fail-on never to leave the bad parts out.\n',
    });
  });

  test('with --fail-on never, leaves the invalid policy out and prints the rest, exit 0', async () => {
    // GIVEN the invalid policy selects every pod of shop for Ingress: were it analysed, web would lose its ingress
    // WHEN
    const result = await cli('analyze', fixture('list.json'), fixture('invalid-policy.yaml'), '--fail-on', 'never');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(LIST_CONNLIST);
    expect(result.stderr).toContain('[invalid-policy]\n');
  });

  test('rejects an unknown --output value, listing the allowed ones', async () => {
    // WHEN
    const result = await cli('analyze', PRODUCTION, '--output', 'xml');
    // THEN
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '-o, --output <format>' argument 'xml' is invalid. Use one of connlist, json, md, csv, dot, mermaid, e.g. --output json.\n"
        + '(add --help for usage)\n',
    });
  });

  test('rejects an unknown --fail-on value, listing the allowed ones', async () => {
    // WHEN
    const result = await cli('analyze', PRODUCTION, '--fail-on', 'warnings');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error: option '--fail-on <level>' argument 'warnings' is invalid. Use one of error, warning, never, e.g. --fail-on warning.\n(add --help for usage)\n");
  });

  test('fails when no path is given', async () => {
    // WHEN
    const result = await cli('analyze');
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: "error: missing required argument 'path'\n(add --help for usage)\n" });
  });

  test('suggests the closest option for a mistyped one', async () => {
    // WHEN
    const result = await cli('analyze', PRODUCTION, '--outptu', 'json');
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--outptu'\n(Did you mean --output?)\n(add --help for usage)\n" });
  });
});

describe('analyze reads what kubectl reads (issue "Reading YAML as kubectl does")', () => {
  const model = (name: string) => path.join(__dirname, '..', 'model', 'fixtures', 'kubectl', name);

  test('a tab inside a flow sequence and a quoted string continued at its key\'s indentation are read, exit 0', async () => {
    // GIVEN two pods whose files strict YAML rejects and kubectl reads
    // WHEN
    const result = await cli('analyze', model('tab-in-flow-sequence.yaml'), model('quoted-continuation.yaml'));
    // THEN both pods are analysed, and the leniency is an info
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('shop/web[Pod] => shop/api[Pod] : All Connections\n');
    expect(result.stdout).toContain('shop/api[Pod] => shop/web[Pod] : All Connections\n');
    expect(result.stderr).toBe('note: 3 info diagnostics (YAML only kubectl\'s parser accepts, assumed namespaces) not shown; add --verbose to list them\n');
  });

  test('port: 010 is port 8 and podSelector: {<<: *api} selects api only, as kubectl reads them, with a warning for 010', async () => {
    // GIVEN pods web and api, and a policy selecting api through a merge key, open to web on port 010
    const dir = fixture('yaml-1.1');
    // WHEN
    const result = await cli('analyze', dir);
    // THEN web reaches api on TCP 8 only, and web itself stays open (the policy does not select every pod)
    expect(result.code).toBe(0);
    expect(result.stdout).toBe([
      '0.0.0.0-255.255.255.255[External] => shop/web[Pod] : All Connections',
      'shop/api[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/api[Pod] => shop/web[Pod] : All Connections',
      'shop/web[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Pod] => shop/api[Pod] : TCP 8',
      '',
    ].join('\n'));
    expect(result.stderr).toContain(`${path.join(dir, 'policy.yaml')}#0 spec.ingress[0].ports[0].port: warning: line 8: 010 is 8 to kubectl (YAML 1.1 reads a leading 0 as octal), and 10 to YAML 1.2 tools; read as 8, as kubectl does. Write 8 if that is meant, or 10 without the leading 0 [yaml-1.1]\n`);
    // AND --fail-on warning fails on it
    expect((await cli('analyze', dir, '--fail-on', 'warning')).code).toBe(1);
  });

  test('matchLabels {enabled: yes} fails with exit 2, naming the file, document, field, value and how it was written', async () => {
    // GIVEN
    const file = model('boolean-label.yaml');
    // WHEN
    const result = await cli('analyze', file, fixture(path.join('yaml-1.1', 'pods.yaml')));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}#0 spec.podSelector.matchLabels.enabled: error: NetworkPolicy shop/enabled-only: label value true is not a string; quote it in YAML (written yes, which kubectl reads as the YAML 1.1 boolean true) [invalid-policy]\n`);
  });

  test('two concatenated JSON objects in a .json file are both read', async () => {
    // WHEN
    const result = await cli('analyze', model('concatenated.json'));
    // THEN
    expect(result).toEqual({
      code: 0,
      stdout: '0.0.0.0-255.255.255.255[External] => shop/web[Pod] : All Connections\nshop/web[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n',
      stderr: '',
    });
  });

  test('a directory with a symlink loop is analysed, not an internal error', async () => {
    // GIVEN the list fixture in a directory that links back to itself
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-cli-'));
    try {
      fs.copyFileSync(fixture('list.json'), path.join(dir, 'list.json'));
      fs.symlinkSync('.', path.join(dir, 'again'));
      fs.symlinkSync('self', path.join(dir, 'self'));
      // WHEN
      const result = await cli('analyze', dir);
      // THEN
      expect(result).toEqual({ code: 0, stdout: LIST_CONNLIST, stderr: 'note: 1 info diagnostic (symlink loops not followed) not shown; add --verbose to list them\n' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a Namespace or pod with an invalid name fails with exit 2', async () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-cli-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      fs.writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: Shop}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web_1, namespace: shop}\n');
      // WHEN
      const result = await cli('analyze', file);
      // THEN
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${file}#0 metadata.name: error: Namespace Shop: namespace name "Shop" is not a DNS-1123 label`);
      expect(result.stderr).toContain(`${file}#1 metadata.name: error: Pod shop/web_1: name "web_1" is not a DNS-1123 subdomain`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('policies without workloads: one line on stderr says why the list is empty and what to pass; exit 0, 1 with --fail-on warning', async () => {
    // GIVEN the guide's policies alone
    const file = path.join(PRODUCTION, 'policies.yaml');
    // WHEN
    const result = await cli('analyze', file);
    const strict = await cli('analyze', file, '--fail-on', 'warning');
    // THEN
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: 'note: 1 info diagnostic (assumed namespaces) not shown; add --verbose to list them\n'
        + 'warning: 5 NetworkPolicies were read, but the input holds no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or ReplicationController), so there is no connection to list. Pass the workloads\' manifests too, e.g. cdk8s-netpol analyze policies/ workloads/\n',
    });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
  });
});

describe('analyze on large clusters: --group and --namespace', () => {
  test('--group namespace prints one line per pair of namespaces and set of connections, with pair counts', async () => {
    // GIVEN the guide's production namespace (frontend -> api closed by frontend's egress) and shop
    const result = await cli('analyze', fixture('list.json'), PRODUCTION, '--group', 'namespace');
    // THEN production => production holds api -> postgres only, of the 6 ordered pairs of its 3 workloads
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(l => l.startsWith('production (3 workloads) =>'));
    expect(lines).toEqual(['production (3 workloads) => kube-system (1 workload) : TCP 53,UDP 53 (all 3 pairs)', 'production (3 workloads) => production (3 workloads) : TCP 5432 (1 of 6 pairs)']);
  });

  test('--namespace keeps the connections from or to one namespace, in every format', async () => {
    const all = await cli('analyze', fixture('list.json'), PRODUCTION);
    const expected = all.stdout.split('\n').filter(l => /(^| => )production\//.test(l));
    const result = await cli('analyze', fixture('list.json'), PRODUCTION, '--namespace', 'production');
    expect(result.stdout.split('\n').filter(l => l !== '')).toEqual(expected);
    const csv = await cli('analyze', fixture('list.json'), PRODUCTION, '--namespace', 'production', '-o', 'csv');
    expect(csv.stdout.split('\n').length - 2).toBe(expected.length);
    const dot = await cli('analyze', fixture('list.json'), PRODUCTION, '--namespace', 'production', '-o', 'dot');
    // the picture draws only the endpoints of the kept connections: shop's web is not connected to production
    expect(dot.stdout).toContain('label="api[Deployment]"');
    expect(dot.stdout).not.toContain('label="web[Deployment]"');
  });

  test('--group with --namespace keeps the grouped lines from or to that namespace, in connlist and json', async () => {
    const all = await cli('analyze', fixture('list.json'), PRODUCTION, '--group', 'class');
    const expected = all.stdout.split('\n').filter(l => /(^| => )production\//.test(l));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.stdout.split('\n').length - 1);
    const kept = await cli('analyze', fixture('list.json'), PRODUCTION, '--group', 'class', '--namespace', 'production');
    expect(kept.stdout.split('\n').filter(l => l !== '')).toEqual(expected);
    const json = JSON.parse((await cli('analyze', fixture('list.json'), PRODUCTION, '--group', 'class', '--namespace', 'production', '-o', 'json')).stdout);
    expect(json.connections).toHaveLength(expected.length);
    // Only the groups the kept lines name are listed.
    const named = new Set(json.connections.flatMap((c: { src: string; dst: string }) => [c.src, c.dst]));
    expect(json.groups.map((g: { name: string }) => g.name).sort()).toEqual([...named].sort());
  });

  test('--namespace naming no namespace with workloads fails with exit 2, listing the namespaces', async () => {
    const result = await cli('analyze', PRODUCTION, '--namespace', 'prod');
    expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining('error: --namespace "prod": no workload of the input is in that namespace; namespaces with workloads: kube-system, production.') });
  });

  test.each([
    [['--group', 'class', '-o', 'dot'], 'error: --group class is written in connlist, json, md, csv, not dot; for a grouped picture use cdk8s-netpol graph --group class.'],
    [['--group', 'namespace', '--exposure'], 'error: --group namespace and --exposure cannot be combined; leave one out.'],
    [['--group', 'pods'], "error: option '--group <by>' argument 'pods' is invalid. Use one of none, namespace, class, e.g. --group namespace."],
  ])('analyze %j fails with exit 2 and a message naming the fix', async (args, message) => {
    const result = await cli('analyze', PRODUCTION, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});

describe('analyze --output mermaid on many edges', () => {
  test('notes on stderr that Mermaid draws at most 500 edges by default, with the remedies', async () => {
    // GIVEN 24 pods without policies: 24 * 23 pairs plus 48 external lines, over 500 edges
    const dir = openPodsDirectory(24);
    try {
      const result = await cli('analyze', dir, '-o', 'mermaid');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('note: the flowchart has 600 edges; Mermaid draws at most 500 unless its maxEdges setting is raised. Use --namespace NAME for fewer, or cdk8s-netpol graph (it groups).');
      expect(result.stdout.split('\n').filter(l => l.includes('-->'))).toHaveLength(600);
      const few = await cli('analyze', dir, '-o', 'mermaid', '--namespace', 'ns');
      expect(few.stderr).toContain('600 edges');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, fixture, PRODUCTION } from './support';

describe('cdk8s-netpol lint --dns', () => {
  let file: string;
  beforeAll(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lint-dns-')), 'shop.yaml');
    fs.writeFileSync(file, [
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny-all, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: coredns}}, podSelector: {matchLabels: {app: coredns}}}]\n    ports: [{protocol: UDP, port: 5353}, {protocol: TCP, port: 5353}]',
    ].join('\n---\n'));
  });

  test('DNS elsewhere than kube-system:53 is NP004 until the command is told where it runs', async () => {
    expect((await cli('lint', file)).stdout).toContain('no egress rule allows DNS (UDP/TCP 53) to kube-system');
    const told = await cli('lint', file, '--dns-namespace', 'coredns', '--dns-pod-labels', 'app=coredns', '--dns-port', '5353');
    expect(told.code).toBe(0);
    expect(told.stdout).toContain('0 errors, 0 warnings');
    // The preset's labels stay unless replaced: OpenShift's pods are not labelled app=coredns.
    expect((await cli('lint', file, '--dns', 'openshift', '--dns-namespace', 'coredns')).code).toBe(1);
  });

  test.each([
    [['--dns', 'rke2'], "option '--dns <preset>' argument 'rke2' is invalid. Use one of kubernetes, openshift"],
    [['--dns-port', 'x'], '--dns-port "x"'],
    [['--dns-pod-labels', 'app'], '--dns-pod-labels "app": "app" is not KEY=VALUE'],
    [['--dns-namespace', 'Core_DNS'], '--dns-namespace "Core_DNS"'],
  ])('%j is bad input, exit 2', async (args, message) => {
    const result = await cli('lint', file, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('cdk8s-netpol lint', () => {
  test('reports the guide\'s one-sided frontend → api rule and exits 0 under --fail-on error', async () => {
    // WHEN
    const result = await cli('lint', PRODUCTION);

    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^warning NP009 NetworkPolicy production\/api-ingress: /m);
    expect(result.stdout).toMatch(/0 errors, \d+ warnings?, \d+ infos? \(0 suppressed\)/);
  });

  test('exits 1 when findings reach --fail-on', async () => {
    const result = await cli('lint', PRODUCTION, '--fail-on', 'warning');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('NP009');
  });

  test('writes SARIF 2.1.0', async () => {
    const result = await cli('lint', PRODUCTION, '--output', 'sarif');
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: any) => r.ruleId)).toContain('NP009');
  });

  test('exits 2 on bad input, with nothing on standard output', async () => {
    const result = await cli('lint', fixture('malformed.yaml'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/malformed/);
  });

  test('exits 2 on a policy kind the checker does not model, naming it, with nothing on standard output', async () => {
    const result = await cli('lint', fixture('list.json'), fixture('unmodelled-policy.yaml'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: the input holds 1 policy the checker does not model (CiliumNetworkPolicy deny-web), which can hide or change findings; nothing linted. Leave it out of the input, or add --ignore-unmodelled to lint without it.\n');
  });

  test('lints without it with --ignore-unmodelled, and says so in the report', async () => {
    const result = await cli('lint', fixture('list.json'), fixture('unmodelled-policy.yaml'), '--ignore-unmodelled');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nnote: these findings leave out 1 policy the checker does not model \(CiliumNetworkPolicy deny-web\), as --ignore-unmodelled asked; on the cluster they can allow or deny more\n$/);
  });

  test('says so in the JSON and SARIF reports too', async () => {
    const json = await cli('lint', fixture('list.json'), fixture('unmodelled-policy.yaml'), '--ignore-unmodelled', '--output', 'json');
    const sarif = await cli('lint', fixture('list.json'), fixture('unmodelled-policy.yaml'), '--ignore-unmodelled', '--output', 'sarif');
    expect(JSON.parse(json.stdout).ignoredUnmodelled).toEqual([{ kind: 'CiliumNetworkPolicy', name: 'deny-web', file: fixture('unmodelled-policy.yaml'), documentIndex: 0 }]);
    expect(JSON.parse(sarif.stdout).runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^These findings leave out 1 policy the checker does not model \(CiliumNetworkPolicy deny-web\)/);
    expect(sarif.stderr).toContain('note: these findings leave out 1 policy');
  });

  test('rejects an unknown --output, naming the allowed values', async () => {
    const result = await cli('lint', PRODUCTION, '--output', 'xml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: option '-o, --output <format>' argument 'xml' is invalid. Use one of text, json, sarif, e.g. --output text.");
  });
});

describe('cdk8s-netpol from-flows', () => {
  const flows = path.join(__dirname, '..', 'flows', 'fixtures');
  const file = 'shop.jsonl';

  test('prints reviewable TypeScript using the building blocks', async () => {
    const result = await cli('from-flows', path.join(flows, file));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("from 'cdk8s-netpol'");
    expect(result.stdout).toContain('new IsolatedNamespace(');
  });

  test('writes the TypeScript and the YAML with --out-dir', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-flows-'));
    const result = await cli('from-flows', path.join(flows, file), '--out-dir', outDir, '--chart-name', 'seen');
    expect(result.code).toBe(0);
    expect(fs.readdirSync(outDir).sort()).toEqual(['seen.k8s.yaml', 'seen.ts']);
  });

  test('exits 2 for a missing file', async () => {
    const result = await cli('from-flows', path.join(flows, 'missing.jsonl'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('missing.jsonl');
  });
});

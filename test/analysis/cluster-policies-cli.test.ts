/**
 * The command line on manifests with cluster-scoped policies: `analyze` and `explain` answer with them (they are no
 * longer refused as unmodelled), `explain` names the tier and rule that decided, and invalid ones fail with exit 2.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from '../cli/support';
import { e2eModel } from '../support/clusters';

const dirs: string[] = [];
afterAll(() => dirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function manifests(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-cnp-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'all.yaml'), text);
  return dir;
}

const PASS_MONITORING = `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: pass-monitoring}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {ns: "x"}}}
  ingress:
  - {action: Pass, from: [{namespaces: {matchLabels: {ns: "y"}}}]}
  - {action: Deny, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - {action: Deny, from: [{namespaces: {matchLabels: {ns: "y"}}}], ports: [{portNumber: {protocol: TCP, port: 81}}]}
`;

describe('the CLI with cluster-scoped policies', () => {
  test('analyze answers with them, exit 0, nothing on stderr but the info count', async () => {
    const result = await cli('analyze', manifests(e2eModel() + PASS_MONITORING));
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/unmodelled|error|warning/);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('y/a[Pod] => x/a[Pod] : SCTP 1-65535,TCP 1-80,82-65535,UDP 1-65535');
    expect(lines.some(l => l.startsWith('z/a[Pod] => x/a[Pod]'))).toBe(false);
    expect(lines).toContain('z/a[Pod] => y/a[Pod] : All Connections');
  });

  test('analyze --output json carries the same connections', async () => {
    const result = await cli('analyze', manifests(e2eModel() + PASS_MONITORING), '--output', 'json');
    const connections = JSON.parse(result.stdout).connections as { src: string; dst: string; conn: string }[];
    expect(connections.find(c => c.src === 'y/a[Pod]' && c.dst === 'x/a[Pod]')?.conn).toBe('SCTP 1-65535,TCP 1-80,82-65535,UDP 1-65535');
    expect(connections.some(c => c.src === 'z/b[Pod]' && c.dst === 'x/c[Pod]')).toBe(false);
  });

  test('explain names the Admin rule that passed and the Baseline rule that denied', async () => {
    const result = await cli('explain', manifests(e2eModel() + PASS_MONITORING), '--from', 'y/a', '--to', 'x/b', '--port', '81');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('y/a may not connect to x/b on TCP 81: AdminNetworkPolicy pass-monitoring ingress rule 0 (priority 10): Pass matches y/a TCP 81 and passes it on; '
      + 'ingress of x/b is not isolated: no NetworkPolicy selects it for Ingress, so the Baseline tier decides: BaselineAdminNetworkPolicy default ingress rule 0: Deny matches y/a TCP 81 and denies it\n');
  });

  test('explain --output json gives each side\'s deciding tier and rules', async () => {
    const result = await cli('explain', manifests(e2eModel() + PASS_MONITORING), '--from', 'z/a', '--to', 'x/b', '--port', '80', '--output', 'json');
    const explanation = JSON.parse(result.stdout);
    expect(explanation.allowed).toBe(false);
    expect(explanation.ingress).toMatchObject({ decidedBy: 'Admin', adminRule: { kind: 'AdminNetworkPolicy', policy: 'pass-monitoring', ruleIndex: 1, action: 'Deny', priority: 10 } });
    expect(explanation.egress.decidedBy).toBe('Default');
  });

  test('explain --output rejects an unknown format', async () => {
    const result = await cli('explain', manifests(e2eModel()), '--from', 'x/a', '--to', 'y/a', '--port', '80', '--output', 'yaml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Use one of text, json, e.g. --output json.');
  });

  test('an invalid cluster policy fails analyze with exit 2, naming file, object and field', async () => {
    const dir = manifests(e2eModel() + PASS_MONITORING.replace('priority: 10', 'priority: 1001'));
    const result = await cli('analyze', dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${path.join(dir, 'all.yaml')}#12 spec.priority: error: AdminNetworkPolicy pass-monitoring: priority 1001 is not an integer from 0 to 1000 [invalid-policy]`);
  });

  test('a policy.networking.k8s.io version the analysis does not model is still refused without --ignore-unmodelled', async () => {
    const beta = '---\napiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: future}\nspec: {}\n';
    const result = await cli('analyze', manifests(e2eModel() + beta));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the input holds 1 policy that the analysis does not model (ClusterNetworkPolicy future)');
  });
});

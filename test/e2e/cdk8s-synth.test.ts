/** End to end: the real `cdk8s synth` CLI, driven by cdk8s.yaml, writes the example manifests. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..', '..');

test('cdk8s synth writes one manifest file per chart, holding the guide\'s policies', () => {
  // GIVEN
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-synth-'));

  // WHEN
  execFileSync('npx', ['cdk8s', 'synth', '--output', outdir], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_NETPOL_CHECK: 'warning' } });

  // THEN
  expect(fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')).sort()).toEqual(['guide-or-form.k8s.yaml', 'guide.k8s.yaml', 'monitoring.k8s.yaml', 'platform.k8s.yaml', 'shop.k8s.yaml']);
  const guide = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, 'guide.k8s.yaml'), 'utf-8')).map(d => d.toJS());
  const policies = guide.filter(m => m.kind === 'NetworkPolicy').map(m => m.metadata.name);
  expect(policies).toEqual(expect.arrayContaining(['default-deny-all', 'allow-dns', 'api-ingress', 'db-ingress', 'api-egress', 'api-egress-aws', 'allow-monitoring-scrape']));
  const denyAll = guide.find(m => m.metadata.name === 'default-deny-all');
  expect(denyAll.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
});

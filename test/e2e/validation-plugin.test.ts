/**
 * End to end: the checker as a cdk8s.yaml validation plugin, run by the real `cdk8s synth` on an app that includes
 * hand-written YAML with the guide's OR mistake.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { monitoringPolicy, OR } from '../fixtures/guide';

const ROOT = path.join(__dirname, '..', '..');

const OR_TRAP_YAML = monitoringPolicy(OR);

const APP = `import { App, Chart, Include } from 'cdk8s';
import { IsolatedNamespace } from '../lib';
const app = new App();
const chart = new Chart(app, 'prod');
new IsolatedNamespace(chart, 'production', { namespaceName: 'production' });
new Include(chart, 'hand-written', { url: 'hand-written.yaml' });
app.synth();
`;

function synth(dir: string): { code: number; output: string } {
  try {
    const output = execFileSync('npx', ['cdk8s', 'synth', '--check-upgrade', 'false'], {
      cwd: dir, stdio: 'pipe', encoding: 'utf-8', env: { ...process.env, CDK8S_NETPOL_CHECK: 'off' },
    });
    return { code: 0, output };
  } catch (e: any) {
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

describe('NetpolValidation through cdk8s synth', () => {
  let dir: string;

  beforeEach(() => {
    // Inside the repository, so the app resolves cdk8s and ts-node from its node_modules.
    dir = fs.mkdtempSync(path.join(ROOT, '.e2e-'));
    fs.writeFileSync(path.join(dir, 'main.ts'), APP);
    fs.writeFileSync(path.join(dir, 'hand-written.yaml'), OR_TRAP_YAML);
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function config(properties: string): void {
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript',
      `app: npx ts-node --project ${path.join(ROOT, 'tsconfig.dev.json')} main.ts`,
      'validations:',
      `  - package: ${path.join(ROOT, 'plugin')}`,
      '    version: 0.1.0',
      '    class: NetpolValidation',
      `    properties: ${properties}`,
      '',
    ].join('\n'));
  }

  test('fails the synth on the OR trap in hand-written YAML, naming the rule and the resource', () => {
    config('{}');
    const { code, output } = synth(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('NP001 or-trap');
    expect(output).toContain('NetworkPolicy production/allow-monitoring-scrape');
    // cdk8s-cli maps the resource name to the construct that wrote it (construct-metadata.json).
    expect(output).toMatch(/Construct Path: prod\/hand-written\/\S+/);
    expect(output).not.toContain('Construct Path: N/A');
  });

  test('passes when the finding is below failOn', () => {
    config('{ failOn: never }');
    const { code, output } = synth(dir);
    expect(output).toContain('Validations ended succesfully');
    expect(code).toBe(0);
  });
});

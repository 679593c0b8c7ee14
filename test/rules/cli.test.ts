import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { documentStartLines, lintPaths } from '../../lib/rules';
import { allowDns, baseline, defaultDeny, yamlOf } from './helpers';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lint-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('lintPaths', () => {
  test('exits 0 on clean input', () => {
    const file = write('clean/app.yaml', yamlOf(baseline()));
    const r = lintPaths([file], { output: 'text', failOn: 'error' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('0 errors, 0 warnings, 0 infos (0 suppressed); 25 rules over 4 policies, 1 namespace, 2 workloads\n');
  });

  test('exits 1 on an error finding, and on a warning only with --fail-on warning', () => {
    const errorFile = write('dns/app.yaml', yamlOf([defaultDeny('production')]));
    expect(lintPaths([errorFile], { output: 'text', failOn: 'error' }).exitCode).toBe(1);
    expect(lintPaths([errorFile], { output: 'text', failOn: 'never' }).exitCode).toBe(0);
    const warnFile = write('warn/app.yaml', yamlOf([defaultDeny('production'), allowDns('production'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'staging' } }]));
    const r = lintPaths([warnFile], { output: 'text', failOn: 'error' });
    expect(r.stdout).toContain('warning NP002 Namespace staging');
    expect(r.exitCode).toBe(0);
    expect(lintPaths([warnFile], { output: 'text', failOn: 'warning' }).exitCode).toBe(1);
  });

  test('suppressed findings do not fail the run', () => {
    const file = write('suppressed/app.yaml', yamlOf([
      defaultDeny('production', { 'cdk8s-netpol.io/suppress': '[{"id":"NP004","reason":"batch pods use IP addresses only"}]' }),
    ]));
    const r = lintPaths([file], { output: 'text', failOn: 'warning' });
    expect(r.stdout).toContain('(suppressed by NetworkPolicy production/default-deny-all: batch pods use IP addresses only)');
    expect(r.exitCode).toBe(0);
  });

  test('exits 2 on a missing path, malformed YAML or an invalid policy, with diagnostics on stderr', () => {
    const missing = lintPaths([path.join(dir, 'nope.yaml')], { output: 'text', failOn: 'error' });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml does not exist \[missing-file\]/);
    const malformed = lintPaths([write('bad/malformed.yaml', 'kind: [unclosed\n')], { output: 'text', failOn: 'never' });
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain('malformed YAML');
    const invalid = lintPaths([write('bad/invalid.yaml', yamlOf([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }] } }]))], { output: 'text', failOn: 'never' });
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('[invalid-policy]');
    expect(lintPaths([], { output: 'text', failOn: 'error' }).exitCode).toBe(2);
  });

  test('every finding has a file and a document index, also in JSON', () => {
    const file = write('json/app.yaml', yamlOf([defaultDeny('production'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'staging' }, spec: { template: { metadata: { labels: { app: 'web' } } } } }]));
    const r = lintPaths([file], { output: 'json', failOn: 'error' });
    const json = JSON.parse(r.stdout);
    expect(json.findings.length).toBeGreaterThan(2);
    for (const f of json.findings) {
      expect(f.source.file).toBe(file);
      expect(typeof f.source.documentIndex).toBe('number');
    }
  });

  test('SARIF output has regions at the line where the document starts', () => {
    const text = `# comment\n${yamlOf([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'staging' } }])}---\n${yamlOf([defaultDeny('production')])}`;
    const file = write('sarif/app.yaml', text);
    const log = JSON.parse(lintPaths([file], { output: 'sarif', failOn: 'error' }).stdout);
    const line = (id: string) => log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === id).locations[0].physicalLocation.region.startLine;
    expect(line('NP002')).toBe(2);
    const starts = documentStartLines(file);
    expect(starts[0]).toBe(2);
    expect(line('NP004')).toBe(starts[1]);
    expect(text.split('\n')[starts[1] - 1]).toBe('apiVersion: networking.k8s.io/v1');
  });

  test('SARIF takes the document lines the loader recorded, reading each file once', () => {
    // GIVEN two files, the second with three documents after a comment and a blank line, and findings in both
    const first = write('once/a.yaml', yamlOf([defaultDeny('production')]));
    const second = write('once/b.yaml', `# team b\n\n${yamlOf([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'staging' } }])}---\n${yamlOf([defaultDeny('staging')])}---\n${yamlOf([defaultDeny('qa')])}`);
    // (the module object itself: the namespace import's properties cannot be redefined)
    const reads = jest.spyOn(require('fs') as typeof fs, 'readFileSync');
    try {
      // WHEN linted as SARIF
      const log = JSON.parse(lintPaths([path.dirname(first)], { output: 'sarif', failOn: 'never' }).stdout);
      // THEN each file was read once, and every result's line is where its document starts
      const manifestReads = reads.mock.calls.filter(([file]) => file === first || file === second);
      expect(manifestReads.map(([file]) => file)).toEqual([first, second]);
      const regions = log.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => r.locations[0].physicalLocation);
      expect(new Set(regions.map((r: { artifactLocation: { uri: string } }) => path.basename(r.artifactLocation.uri)))).toEqual(new Set(['a.yaml', 'b.yaml']));
      for (const region of regions) {
        const file = region.artifactLocation.uri.endsWith('a.yaml') ? first : second;
        expect(documentStartLines(file)).toContain(region.region.startLine);
      }
      expect(documentStartLines(second)[0]).toBe(3);
      expect(documentStartLines(second)).toHaveLength(3);
    } finally {
      reads.mockRestore();
    }
  });
});
